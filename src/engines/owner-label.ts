/** Marks what the bridge creates, so leftovers can be found and nothing else is touched. */
export const OWNER_LABEL = 'org.brainstorm.bst-containers';
export const OWNER_VALUE = 'owner';

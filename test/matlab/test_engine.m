function engine = test_engine()
% The engine the test run is for: docker unless BST_TEST_ENGINE says podman.
engine = getenv('BST_TEST_ENGINE');
if isempty(engine)
    engine = 'docker';
end
end

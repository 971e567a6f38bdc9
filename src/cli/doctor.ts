import { diagnoseEngines, type EngineDiagnosis } from '../engines/diagnose-engines.js';
import { detectNvidiaGpu } from '../engines/nvidia-gpu.js';
import { gpuStatus } from '../shared/failures.js';

const describe = (diagnosis: EngineDiagnosis): string[] => {
  const status = diagnosis.answering
    ? 'answering'
    : diagnosis.program
      ? 'installed, not answering'
      : 'not found';
  return [
    `${diagnosis.engine}: ${status}`,
    ...(diagnosis.program ? [`  program:  ${diagnosis.program}`] : []),
    ...(diagnosis.location
      ? [
          `  location: ${diagnosis.location}${diagnosis.locationSource ? ` (${diagnosis.locationSource})` : ''}`,
        ]
      : []),
    ...(diagnosis.version ? [`  version:  ${diagnosis.version}`] : []),
    ...(diagnosis.problem ? [`  to do:    ${diagnosis.problem}`] : []),
  ];
};

/** `bst-containers doctor [--json]`: exit 0 when at least one engine answers. */
export const doctor = async (asJson: boolean): Promise<number> => {
  const [diagnoses, gpu] = await Promise.all([diagnoseEngines(), detectNvidiaGpu()]);
  const usable = diagnoses.filter((diagnosis) => diagnosis.answering);
  if (asJson) {
    process.stdout.write(`${JSON.stringify({ engines: diagnoses, gpu }, null, 2)}\n`);
  } else {
    const lines = diagnoses.flatMap(describe);
    lines.push(
      '',
      gpuStatus(gpu),
      usable.length > 0
        ? `Ready: auto-detect will use ${usable[0]?.engine}.`
        : 'No container engine answers: follow one of the "to do" lines above.',
    );
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return usable.length > 0 ? 0 : 1;
};

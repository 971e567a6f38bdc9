import { diagnoseEngines, type EngineDiagnosis } from '../engines/diagnose-engines.js';
import { detectNvidiaGpu } from '../engines/nvidia-gpu.js';
import { gpuStatus } from '../shared/failures.js';
import { type ProxySettings, proxySettingsFrom, proxyText } from '../shared/outbound/proxy-settings.js';

/** Which proxy the bridge's own HTTP uses (downloads, manifests, token services), as doctor shows it. */
const proxyLines = (settings: ProxySettings): string[] => {
  const way = (address: ProxySettings['http']) =>
    address
      ? `${proxyText(address)}${address.problem ? `: unusable, ${address.problem}` : ''}`
      : 'none (direct)';
  return [
    "proxy (the bridge's downloads and registry requests; the engines' pulls use the engine's own settings):",
    `  http://:   ${way(settings.http)}`,
    `  https://:  ${way(settings.https)}`,
    `  no proxy:  loopback addresses and localhost${settings.noProxyText ? `, ${settings.noProxyText.value} (${settings.noProxyText.variable})` : ''}`,
  ];
};

const proxyJson = (settings: ProxySettings) => {
  const way = (address: ProxySettings['http']) =>
    address
      ? {
          address: proxyText(address).replace(/ \(.*\)$/, ''),
          variable: address.variable,
          ...(address.problem ? { problem: address.problem } : {}),
        }
      : null;
  return {
    http: way(settings.http),
    https: way(settings.https),
    noProxy: settings.noProxyText?.value ?? null,
  };
};

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
  const proxies = proxySettingsFrom(process.env);
  if (asJson) {
    process.stdout.write(
      `${JSON.stringify({ engines: diagnoses, gpu, proxy: proxyJson(proxies) }, null, 2)}\n`,
    );
  } else {
    const lines = diagnoses.flatMap(describe);
    lines.push(
      '',
      gpuStatus(gpu),
      '',
      ...proxyLines(proxies),
      '',
      usable.length > 0
        ? `Ready: auto-detect will use ${usable[0]?.engine}.`
        : 'No container engine answers: follow one of the "to do" lines above.',
    );
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return usable.length > 0 ? 0 : 1;
};

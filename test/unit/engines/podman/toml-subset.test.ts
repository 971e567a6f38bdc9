import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readTomlSubset, TomlSyntaxError } from '../../../../src/engines/podman/toml-subset.js';

const plain = (text: string) => JSON.parse(JSON.stringify(readTomlSubset(text)));

const lineOfError = (text: string): number => {
  try {
    readTomlSubset(text);
  } catch (error) {
    expect(error).toBeInstanceOf(TomlSyntaxError);
    return (error as TomlSyntaxError).line;
  }
  throw new Error('no error');
};

describe('TOML subset', () => {
  it('reads tables, quoted table keys, strings and booleans', () => {
    const text = [
      '# a comment',
      '[engine]',
      '  remote = true  # trailing comment',
      '  active_service = "my conn"',
      '  [engine.service_destinations."my conn"]',
      '    uri = "ssh://u@h:22/run/podman/podman.sock"',
      "    identity = '/home/u/.ssh/id # not a comment'",
      '    is_machine = false',
      "[engine.service_destinations.'lit.key']",
      'uri = "unix:///x.sock"',
    ].join('\n');
    expect(plain(text)).toEqual({
      engine: {
        remote: true,
        active_service: 'my conn',
        service_destinations: {
          'my conn': {
            uri: 'ssh://u@h:22/run/podman/podman.sock',
            identity: '/home/u/.ssh/id # not a comment',
            is_machine: false,
          },
          'lit.key': { uri: 'unix:///x.sock' },
        },
      },
    });
  });

  it('decodes the escapes of basic strings and reads dotted keys, CRLF lines and a BOM', () => {
    const text = '\uFEFF[a]\r\nb.c = "tab\\there \\"q\\" \\\\ \\u00e9\\U0001F600"\r\n"d.e" = true\r\n';
    expect(plain(text)).toEqual({ a: { b: { c: 'tab\there "q" \\ é😀' }, 'd.e': true } });
  });

  it('reads past numbers, dates, arrays over lines, inline tables, multi-line strings and arrays of tables', () => {
    const text = [
      '[containers]',
      'pids_limit = 2048',
      'ratio = -1.5e3',
      'when = 1979-05-27 07:32:00Z',
      'default_capabilities = [',
      '  "CHOWN",   # a comment with ] in it',
      '  "weird ] \\" [ value",',
      "  'x]',",
      '  [1, 2], {a = "}"},',
      ']',
      'env = { PATH = "/usr/bin", nested = { deep = [1] } }',
      'note = """',
      'line one "" and more',
      'still \\""" escaped, then two quotes at the end"""""',
      "raw = '''",
      "text '' done'''",
      '[[engine.runtimes_list]]',
      'name = "crun"',
      '[engine]',
      'runtime = "crun"',
    ].join('\n');
    expect(plain(text)).toEqual({ containers: {}, engine: { runtime: 'crun' } });
  });

  it('reads this machine’s /usr/share/containers/containers.conf (Podman’s own, mostly comments)', () => {
    const table = readTomlSubset(readFileSync('/usr/share/containers/containers.conf', 'utf8'));
    expect(Object.keys(table)).toContain('engine');
  });

  it('says on which line a file stops being TOML', () => {
    expect(lineOfError('[engine]\nremote = "open\n')).toBe(2);
    expect(lineOfError('[engine]\n\nremote true\n')).toBe(3);
    expect(lineOfError('a = "x" "y"\n')).toBe(1);
    expect(lineOfError('a = [1,\n2,\n')).toBe(3);
    expect(lineOfError('a = "x"\n[a.b]\n')).toBe(2);
    expect(lineOfError('[engine\nx = 1')).toBe(1);
    expect(lineOfError('a = "\\q"')).toBe(1);
    expect(lineOfError('a =\n')).toBe(1);
  });
});

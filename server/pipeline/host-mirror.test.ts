import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostDebianMirror, urisFromDeb822, urisFromOneLineFormat } from './host-mirror';

describe('host mirror discovery', () => {
  it('reads deb822 stanzas and skips deb-src', () => {
    const text = 'Types: deb\nURIs: http://mirror.example/debian\nSuites: trixie\n\nTypes: deb-src\nURIs: http://src.example/debian\n';
    expect(urisFromDeb822(text)).toEqual(['http://mirror.example/debian']);
  });

  it('reads one-line sources with options', () => {
    expect(urisFromOneLineFormat('# c\ndeb [arch=amd64] http://a.example/debian bookworm main\ndeb-src http://b.example/ x\n')).toEqual([
      'http://a.example/debian',
    ]);
  });

  it('prefers the archive over the security mirror', async () => {
    const apt = mkdtempSync(join(tmpdir(), 'apt-'));
    mkdirSync(join(apt, 'sources.list.d'));
    writeFileSync(
      join(apt, 'sources.list.d/a.sources'),
      'Types: deb\nURIs: http://sec.example/debian-security\n\nTypes: deb\nURIs: http://archive.example/debian\n',
    );
    expect(await hostDebianMirror(apt)).toBe('http://archive.example/debian');
  });
});

import { describe, expect, it } from 'vitest';
import { formatImageReference, parseImageReference } from './image-reference';

describe('parseImageReference', () => {
  it('splits registry, repository and tag, taking the default tag when none is given', () => {
    expect(parseImageReference('registry.example.com/nodes/debian:v1.35.3', 'latest')).toEqual({
      registry: 'registry.example.com',
      repository: 'nodes/debian',
      tag: 'v1.35.3',
    });
    expect(parseImageReference('127.0.0.1:5000/nodes/debian', 'v1')).toEqual({ registry: '127.0.0.1:5000', repository: 'nodes/debian', tag: 'v1' });
    expect(parseImageReference('registry:5000/a', 't')).toMatchObject({ registry: 'registry:5000', repository: 'a' });
    expect(formatImageReference(parseImageReference('localhost/a/b', 't'))).toBe('localhost/a/b:t');
  });

  it('refuses references without a host, with a digest, or with names a registry rejects', () => {
    expect(() => parseImageReference('debian:12', 't')).toThrow(/names no registry host/);
    expect(() => parseImageReference('nodes/debian', 't')).toThrow(/is not a registry host/);
    expect(() => parseImageReference('r.example.com/a@sha256:00', 't')).toThrow(/not a digest/);
    expect(() => parseImageReference('r.example.com/Nodes/Debian', 't')).toThrow(/not a valid repository name/);
    expect(() => parseImageReference('r.example.com/a:bad tag', 't')).toThrow(/not a valid tag/);
  });
});

/** Armored keys start with this line; pkgs.k8s.io serves Release.key armored. */
export const isArmoredKey = (key: Buffer): boolean => key.subarray(0, 64).toString('latin1').includes('-----BEGIN PGP PUBLIC KEY BLOCK-----');

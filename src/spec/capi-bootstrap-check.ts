/**
 * The boot check's Cluster API bootstrap result: its name as the guest reports it
 * (server/pipeline/verify/guest-check.py) and the words the build page and reports use.
 */
export const CAPI_BOOTSTRAP_CHECK = 'capi-bootstrap';
export const CAPI_BOOTSTRAP_TITLE = 'Cluster API bootstrap';

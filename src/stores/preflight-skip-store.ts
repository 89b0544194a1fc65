import { create } from 'zustand';

/**
 * Hosts the user vouches for in the Review step: the build machine reaches them though the
 * server's preflight cannot (a proxy only apt uses, say). Both the preflight and the Build
 * request send them as `skipPreflight`, so what is checked is what is submitted.
 */
export interface PreflightSkipState {
  hosts: string[];
  setSkipped: (host: string, skipped: boolean) => void;
  reset: () => void;
}

export const usePreflightSkipStore = create<PreflightSkipState>()((set) => ({
  hosts: [],
  setSkipped: (host, skipped) => set(({ hosts }) => ({ hosts: skipped ? [...new Set([...hosts, host])].sort() : hosts.filter((h) => h !== host) })),
  reset: () => set({ hosts: [] }),
}));

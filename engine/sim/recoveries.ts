/** lab-sim's recovery tools by the name `lab-tui sim recover` uses, with the body field the target fills. */
export const SIM_RECOVERIES = {
  'longhorn-inject': { path: 'longhorn/inject-block-device', target: 'volume' },
  'longhorn-rename': { path: 'longhorn/rename-orphan', target: 'volume' },
  'postgres-restore': { path: 'postgres/restore', target: 'database' },
  'gitops-revert': { path: 'gitops/revert', target: 'app' },
  'stepca-reissue': { path: 'stepca/reissue', target: undefined },
} as const;

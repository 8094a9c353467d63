export type ScreenId = 'dashboard' | 'runbooks' | 'drills' | 'gates' | 'evidence';

export interface ScreenInfo {
  id: ScreenId;
  title: string;
  key: string;
}

export const SCREENS: readonly ScreenInfo[] = [
  { id: 'dashboard', title: 'Dashboard', key: '1' },
  { id: 'runbooks', title: 'Runbooks', key: '2' },
  { id: 'drills', title: 'Drills', key: '3' },
  { id: 'gates', title: 'Gates', key: '4' },
  { id: 'evidence', title: 'Evidence', key: '5' },
];


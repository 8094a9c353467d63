import { failed, passed, type DoctorCheck } from './check.ts';

/** The sandbox Vault's key file as found on disk. */
export interface KeyFileFacts {
  /** As configured (sandbox.vault.keyFile). */
  file: string;
  exists: boolean;
  /** Permission bits (`mode & 0o777`). */
  mode?: number;
  /** Its real path (symlinks followed). */
  real?: string;
  /** The prod key files' real paths, as the guard knows them (prod.keyFiles and the seeds' location). */
  prodKeyFiles: string[];
  /** It parses as `vault operator init -format=json` output with a root token. */
  hasRootToken: boolean;
}

const octal = (mode: number) => `0${mode.toString(8).padStart(3, '0')}`;

/** Exists, is the sandbox's (no prod key file, nor a link to one) and only its owner can read it. */
export function keyFileCheck(f: KeyFileFacts | undefined): DoctorCheck {
  const id = 'key-file';
  const name = 'key file';
  if (!f) return passed(id, name, 'no sandbox Vault configured: no key file needed');
  if (!f.exists) return failed(id, name, `${f.file} does not exist`, 'point sandbox.vault.keyFile at the sandbox Vault’s `vault operator init -format=json` output');
  if (f.prodKeyFiles.includes(f.real ?? f.file))
    return failed(id, name, `${f.file}${f.real && f.real !== f.file ? ` (→ ${f.real})` : ''} is a prod key file`, 'point sandbox.vault.keyFile at the sandbox key (~/.arcodange/sandbox/cluster-keys.json)', true);
  if (f.mode !== 0o600) return failed(id, name, `${f.file} has mode ${octal(f.mode ?? 0)}: others can read the sandbox’s unseal keys`, `chmod 600 ${f.file}`);
  if (!f.hasRootToken) return failed(id, name, `${f.file} has no root_token: not a \`vault operator init -format=json\` file`, 'point sandbox.vault.keyFile at the sandbox Vault’s `vault operator init -format=json` output');
  return passed(id, name, `${f.file} (0600, not a prod key file)`);
}

/** A program some configured feature runs, and that feature in the configuration's words. */
export interface ToolNeed {
  tool: string;
  feature: string;
}

/** Every program the configured features run can be found (`where`: its path, undefined when absent). */
export function toolsCheck(needs: ToolNeed[], where: (tool: string) => string | undefined): DoctorCheck {
  const tools = [...new Set(needs.map((n) => n.tool))];
  const missing = tools.filter((t) => !where(t));
  const by = (t: string) => [...new Set(needs.filter((n) => n.tool === t).map((n) => n.feature))].join(', ');
  if (!missing.length) return passed('tools', 'tools', tools.join(', ') || 'none needed');
  return failed('tools', 'tools', missing.map((t) => `${t} not found (needed by ${by(t)})`).join('\n'), `install ${missing.join(', ')} or add where ${missing.length > 1 ? 'they are' : 'it is'} to PATH (child processes get the same PATH)`);
}

/** Whether a file could be created in the evidence directory (created if missing). */
export type EvidenceFacts = { dir: string; error?: string };

export function evidenceCheck(f: EvidenceFacts): DoctorCheck {
  if (f.error) return failed('evidence-dir', 'evidence directory', `${f.dir} is not writable: ${f.error}`, `make ${f.dir} writable, or set sandbox.evidenceDir to a directory that is`);
  return passed('evidence-dir', 'evidence directory', `${f.dir} (writable)`);
}

import { Box, Text } from 'ink';
import React from 'react';
import type { DoctorCheck } from '../../engine/doctor/check.ts';
import { fit } from '../shell/text-layout.ts';
import type { DoctorView } from './doctor-view.ts';

/** The lines of the report: each check, and under a failure what was found and its fix. */
export function doctorLines(checks: DoctorCheck[]): { text: string; color?: string; dim?: boolean }[] {
  const width = Math.max(...checks.map((c) => c.name.length));
  const pad = ' '.repeat(width + 9);
  return checks.flatMap((c) => {
    const [first = '', ...more] = c.detail.split('\n');
    const head = { text: ` ${c.ok ? 'ok  ' : 'FAIL'}  ${c.name.padEnd(width)}  ${first}`, ...(c.ok ? { dim: true } : { color: 'red' }) };
    return c.ok ? [head] : [head, ...more.map((l) => ({ text: pad + l })), ...(c.fix ? [{ text: `${pad}fix: ${c.fix}`, color: 'yellow' }] : [])];
  });
}

/** Shown instead of the cockpit when a check failed on start: the failures first, every check listed. */
export function DoctorScreen({ doctor, width, height }: { doctor: DoctorView; width: number; height: number }) {
  const report = doctor.report!;
  const failed = report.checks.filter((c) => !c.ok);
  // The failures first: on a short terminal they are what must show.
  const lines = doctorLines([...failed, ...report.checks.filter((c) => c.ok)]);
  const head = `Doctor: ${failed.length} of ${report.checks.length} checks failed on start${doctor.running ? ' — re-running…' : ''} (${report.file})`;
  const footer = doctor.canContinue === true ? ['r re-run · enter continue to the cockpit anyway · q quit'] : [`cannot continue: ${doctor.canContinue}`, 'r re-run · q quit'];
  const room = Math.max(1, height - 2 - footer.length);
  const shown = lines.slice(0, room);
  return (
    <Box flexDirection="column">
      <Text bold color="red">
        {fit(head, width)}
      </Text>
      {shown.map((l, i) => (
        <Text key={i} color={l.color} dimColor={l.dim}>
          {fit(l.text, width)}
        </Text>
      ))}
      {lines.length > shown.length ? <Text dimColor>{fit(` … ${lines.length - shown.length} more line(s): lab-tui doctor prints them all`, width)}</Text> : null}
      {footer.map((l) => (
        <Text key={l} dimColor>
          {fit(l, width)}
        </Text>
      ))}
    </Box>
  );
}

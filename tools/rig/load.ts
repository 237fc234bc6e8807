/**
 * Reading a scenario from disk: the text through parseScenario, then each device's profile file
 * (JSON, relative to the scenario) into its recorder settings, inline settings winning.
 */
import { checkProfile } from '../../firmware/camera/profile/profile.js';
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { parseScenario } from './parse.js';
import { ScenarioError, type Scenario } from './scenario.js';

/** Read, parse and resolve profiles; every error is a ScenarioError naming the line and field. */
export async function loadScenario(path: string): Promise<Scenario> {
  const text = await readFile(path, 'utf8');
  const scenario = parseScenario(text, basename(path));
  for (const d of scenario.devices) {
    if (d.profile === undefined) continue;
    const file = resolve(dirname(path), d.profile);
    let doc: unknown;
    try {
      doc = JSON.parse(await readFile(file, 'utf8'));
      checkProfile(doc, d.model);
    } catch (e) {
      throw new ScenarioError(scenario.file, d.line, 'profile', `${d.profile}: ${(e as Error).message.replace(/\n\s*/g, ' ')}`);
    }
    d.profileDoc = doc;
  }
  // Profiles the rig assigns later are read but not checked: the camera's answer is the point.
  for (const s of scenario.steps) {
    if (s.step.type !== 'action' || s.step.action.kind !== 'assign') continue;
    const a = s.step.action;
    try {
      a.profileDoc = JSON.parse(await readFile(resolve(dirname(path), a.profile), 'utf8'));
    } catch (e) {
      throw new ScenarioError(scenario.file, s.line, 'profile', `${a.profile}: ${(e as Error).message.replace(/\n\s*/g, ' ')}; expected a camera profile in JSON`);
    }
  }
  return scenario;
}

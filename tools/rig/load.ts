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
  return scenario;
}

/**
 * Reading a scenario from disk: the text through parseScenario, then each device's profile file
 * (JSON, relative to the scenario) into its recorder settings, inline settings winning.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { parseScenario } from './parse.js';
import { ScenarioError, type RigRecorderSettings, type Scenario } from './scenario.js';

/**
 * The rig's profile file: the recording settings of a camera profile. A narrow local view of the
 * camera profile schema (firmware/camera/profile/) until the lead connects the two.
 */
export function profileSettings(doc: unknown): RigRecorderSettings {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error('expected a JSON object');
  const o = doc as Record<string, unknown>;
  const known = ['prebufferSeconds', 'postbufferSeconds', 'alwaysRecord', 'activation'];
  for (const k of Object.keys(o)) if (!known.includes(k)) throw new Error(`unknown field ${k}; expected ${known.join(', ')}`);
  const out: RigRecorderSettings = {};
  const seconds = (k: string, max: number) => {
    const v = o[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) throw new Error(`${k} must be whole seconds 0-${max}, got ${JSON.stringify(v)}`);
    return v * 1000;
  };
  const pre = seconds('prebufferSeconds', 120), post = seconds('postbufferSeconds', 120);
  if (pre !== undefined) out.prebufferMs = pre;
  if (post !== undefined) out.postbufferMs = post;
  if (o.alwaysRecord !== undefined) {
    if (typeof o.alwaysRecord !== 'boolean') throw new Error(`alwaysRecord must be true or false, got ${JSON.stringify(o.alwaysRecord)}`);
    out.alwaysRecord = o.alwaysRecord;
  }
  if (o.activation !== undefined) {
    if (o.activation !== 'single-press' && o.activation !== 'double-press') throw new Error(`activation must be "single-press" or "double-press", got ${JSON.stringify(o.activation)}`);
    out.activation = o.activation;
  }
  return out;
}

/** Read, parse and resolve profiles; every error is a ScenarioError naming the line and field. */
export async function loadScenario(path: string): Promise<Scenario> {
  const text = await readFile(path, 'utf8');
  const scenario = parseScenario(text, basename(path));
  for (const d of scenario.devices) {
    if (d.profile === undefined) continue;
    const file = resolve(dirname(path), d.profile);
    let settings: RigRecorderSettings;
    try {
      settings = profileSettings(JSON.parse(await readFile(file, 'utf8')));
    } catch (e) {
      throw new ScenarioError(scenario.file, d.line, 'profile', `${d.profile}: ${(e as Error).message}`);
    }
    d.recorder = { ...settings, ...d.recorder };
  }
  return scenario;
}

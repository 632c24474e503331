import type { Section } from '../section';
import { bridgeSection } from './bridge';
import { ingestSection } from './ingest';
import { notifierSection } from './notifier';
import { pgpSection } from './pgp';
import { trackingSection } from './tracking';
import { translateSection } from './translate';
import { x12Section } from './x12';

/** The benchmark sections, in the order they run. Add a section: export a Section from sections/<name>.ts and list it here. */
export const SECTIONS: readonly Section[] = [x12Section(), translateSection(), pgpSection(), ingestSection(), bridgeSection(), notifierSection(), trackingSection()];

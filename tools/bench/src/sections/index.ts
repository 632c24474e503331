import type { Section } from '../section';
import { pgpSection } from './pgp';
import { x12Section } from './x12';

/** The benchmark sections, in the order they run. Add a section: export a Section from sections/<name>.ts and list it here. */
export const SECTIONS: readonly Section[] = [x12Section(), pgpSection()];

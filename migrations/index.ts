import { InitialSchema1764000000000 } from "./1764000000000-initial-schema";

/** Every migration, oldest first. Listed explicitly so that compiled and test builds load the same set. */
export const MIGRATIONS = [InitialSchema1764000000000];

import { definePackageBrowserConfig } from '../../wtr.shared.mjs';

export default definePackageBrowserConfig(import.meta.dirname);

import { definePackageBrowserConfig } from '../../wtr.shared.mjs';

export default await definePackageBrowserConfig(import.meta.dirname);

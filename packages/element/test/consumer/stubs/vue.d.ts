// Minimal stand-in for vue's GlobalComponents / DefineComponent.
export interface GlobalComponents {}
export type DefineComponent<Props = {}> = { new (): { $props: Props } };

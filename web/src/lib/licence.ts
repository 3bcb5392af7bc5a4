/** The driving-licence categories the server knows (`B78`: automatic-gearbox restriction of B). */
export const LICENCE_CATEGORIES = ['AM', 'A1', 'A2', 'A', 'B', 'B78', 'BE', 'C1', 'C', 'CE', 'D1', 'D', 'DE'] as const;

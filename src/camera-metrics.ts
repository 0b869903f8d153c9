/**
 * Forgetting a deleted camera's metric series: every series of this process's registry
 * whose `camera` label names it is removed, so /metrics does not report a camera that no
 * longer exists (and the registry does not grow with every camera ever added).
 */
import { registry } from "./metrics.ts";

/** Labels that tell a histogram's or summary's samples apart inside one series. */
const SAMPLE_LABELS = new Set(["le", "quantile"]);

interface Removable {
  get(): Promise<{ values: { labels: Record<string, string | number> }[] }>;
  remove?: (labels: Record<string, string | number>) => void;
}

/** Removes every series labelled `camera=<cameraId>`. @returns how many series were removed */
export async function forgetCameraMetrics(cameraId: string): Promise<number> {
  let removed = 0;
  for (const metric of registry.getMetricsAsArray() as unknown as Removable[]) {
    if (!metric.remove) continue;
    const seen = new Set<string>();
    for (const { labels } of (await metric.get()).values) {
      if (labels.camera !== cameraId) continue;
      const series = Object.fromEntries(Object.entries(labels).filter(([k]) => !SAMPLE_LABELS.has(k)));
      const key = JSON.stringify(series);
      if (seen.has(key)) continue;
      seen.add(key);
      metric.remove(series);
      removed++;
    }
  }
  return removed;
}

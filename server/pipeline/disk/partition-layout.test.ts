import { describe, expect, it } from 'vitest';
import { GPT_TYPE, planDiskLayout, renderSfdiskScript } from './partition-layout';

describe('planDiskLayout', () => {
  const layout = planDiskLayout(20);

  it('places BIOS boot, ESP and root 1 MiB aligned without overlap', () => {
    expect(layout.biosBoot).toMatchObject({ startSector: 2048, sizeSectors: 2048, type: GPT_TYPE.biosBoot });
    expect(layout.esp).toMatchObject({ startSector: 4096, sizeSectors: 128 * 2048, type: GPT_TYPE.esp });
    expect(layout.root.startSector).toBe(layout.esp.startSector + layout.esp.sizeSectors);
    for (const p of [layout.biosBoot, layout.esp, layout.root]) {
      expect(p.startSector % 2048).toBe(0);
      expect(p.sizeSectors % 2048).toBe(0);
    }
  });

  it('leaves room for the backup GPT at the end of the disk', () => {
    expect(layout.totalSectors).toBe((20 * 1024 ** 3) / 512);
    const rootEnd = layout.root.startSector + layout.root.sizeSectors;
    expect(layout.totalSectors - rootEnd).toBeGreaterThanOrEqual(33);
    expect(layout.totalSectors - rootEnd).toBeLessThan(2048 + 33);
  });

  it('rejects sizes that are not whole GiB', () => {
    expect(() => planDiskLayout(1.5)).toThrow();
    expect(() => planDiskLayout(1)).toThrow();
  });

  it('renders an sfdisk script with the three partitions', () => {
    const script = renderSfdiskScript(planDiskLayout(4));
    expect(script.split('\n')[0]).toBe('label: gpt');
    expect(script).toContain(`start=2048, size=2048, type=${GPT_TYPE.biosBoot}, name="bios"`);
    expect(script).toContain(`start=4096, size=262144, type=${GPT_TYPE.esp}, name="esp"`);
    expect(script).toMatch(/start=266240, size=\d+, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name="root"/);
  });
});

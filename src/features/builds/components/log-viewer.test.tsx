// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LogLine } from '../lib/build-log';
import { LogViewer } from './log-viewer';

const line = (n: number, stage: LogLine['stage'], text: string): LogLine => ({ number: n, seq: n, stage, stream: 'stdout', text });
const lines = [
  line(1, 'rootfs', 'I: installing base'),
  line(2, 'rootfs', '\u001b[31mE: something red\u001b[0m'),
  line(3, 'disk', 'writing partition table'),
  line(4, 'disk', 'E: disk full'),
];

// jsdom lays nothing out; give the scroll box a size so the virtualizer renders rows.
// Defined on HTMLElement.prototype, shadowing Element's getters, and deleted afterwards.
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 480 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 800 });
});
afterAll(() => {
  Reflect.deleteProperty(HTMLElement.prototype, 'clientHeight');
  Reflect.deleteProperty(HTMLElement.prototype, 'clientWidth');
});

afterEach(() => {
  cleanup();
  window.location.hash = '';
});

describe('LogViewer', () => {
  it('groups lines under a header per stage and folds a stage', () => {
    render(<LogViewer lines={lines} live={false} downloadUrl="/api/builds/x/log" />);
    const rootfs = screen.getByRole('button', { name: /rootfs — Base system \(2 lines\)/ });
    expect(rootfs.getAttribute('aria-expanded')).toBe('true');
    expect(screen.getByText('I: installing base')).toBeTruthy();
    fireEvent.click(rootfs);
    expect(screen.queryByText('I: installing base')).toBeNull();
    expect(screen.getByText('writing partition table')).toBeTruthy();
  });

  it('renders ANSI colours as styled text', () => {
    render(<LogViewer lines={lines} live={false} downloadUrl="/x" />);
    const red = screen.getByText('E: something red');
    expect(red.closest('span[style]')?.getAttribute('style')).toContain('color: rgb(');
  });

  it('searches with next and previous and counts matches', () => {
    render(<LogViewer lines={lines} live={false} downloadUrl="/x" />);
    fireEvent.change(screen.getByLabelText('Search the log'), { target: { value: 'e: ' } });
    expect(screen.getByRole('status').textContent).toBe('2 matches');
    fireEvent.click(screen.getByRole('button', { name: 'Next match' }));
    expect(screen.getByRole('status').textContent).toBe('1 of 2');
    fireEvent.click(screen.getByRole('button', { name: 'Previous match' }));
    expect(screen.getByRole('status').textContent).toBe('2 of 2');
    expect(document.querySelector('.st-log__line--current')?.getAttribute('data-line')).toBe('4');
  });

  it('opens only the failing stage of a failed build', () => {
    render(<LogViewer lines={lines} live={false} downloadUrl="/x" focusStage="disk" />);
    expect(screen.queryByText('I: installing base')).toBeNull();
    expect(screen.getByText('E: disk full')).toBeTruthy();
  });

  it('links every line and offers the selected line link for copying', () => {
    render(<LogViewer lines={lines} live={false} downloadUrl="/api/builds/x/log" />);
    const link = screen.getByRole('link', { name: 'Link to line 3' });
    expect(link.getAttribute('href')).toBe('#L3');
    fireEvent.click(link);
    expect(screen.getByRole('button', { name: 'Copy a link to line 3' })).toBeTruthy();
    const download = screen.getByRole('link', { name: /Download log/ });
    expect(download.getAttribute('href')).toBe('/api/builds/x/log');
  });

  it("shows mmdebstrap's I: lines on stderr as information, and its warnings and errors as stderr", () => {
    const stderr = (n: number, text: string): LogLine => ({ number: n, seq: n, stage: 'rootfs', stream: 'stderr', text });
    render(
      <LogViewer
        lines={[stderr(1, 'I: Retrieving InRelease'), stderr(2, 'W: no signature'), stderr(3, 'E: Can not write log')]}
        live={false}
        downloadUrl="/x"
      />,
    );
    const tone = (line: number) => document.querySelector(`[data-line="${line}"]`)?.className;
    expect(tone(1)).toContain('st-log__line--info');
    expect(tone(1)).not.toContain('st-log__line--stderr');
    expect(tone(2)).toContain('st-log__line--stderr');
    expect(tone(3)).toContain('st-log__line--stderr');
  });

  it('says when there is nothing yet', () => {
    render(<LogViewer lines={[]} live downloadUrl="/x" />);
    expect(within(screen.getByRole('region', { name: /Log output/ })).getByText('Waiting for the first log line…')).toBeTruthy();
  });
});

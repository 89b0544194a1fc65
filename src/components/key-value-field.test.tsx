// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { KeyValueField } from './key-value-field';

let latest: Record<string, string> = {};

function Harness() {
  const [values, setValues] = useState<Record<string, string>>({});
  return (
    <KeyValueField
      label="sysctl settings"
      values={values}
      onChange={(next) => {
        latest = next;
        setValues(next);
      }}
    />
  );
}

afterEach(() => {
  cleanup();
  latest = {};
});

describe('KeyValueField', () => {
  it.each(['__proto__', 'constructor', 'prototype'])('refuses a %s line with a message instead of dropping it silently', (key) => {
    render(<Harness />);
    const field = screen.getByLabelText('sysctl settings');
    fireEvent.change(field, { target: { value: `net.ipv4.ip_forward = 1\n${key} = 1` } });
    expect(screen.getByText(`line 2: key "${key}" is not allowed: it names a JavaScript object property`)).toBeTruthy();
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(Object.keys(latest)).toEqual(['net.ipv4.ip_forward']);
    expect(Object.getPrototypeOf(latest)).toBe(Object.prototype);
    // the line stays on screen for the user to fix
    expect((field as HTMLTextAreaElement).value).toContain(`${key} = 1`);
  });

  it('reads ordinary lines into the record', () => {
    render(<Harness />);
    fireEvent.change(screen.getByLabelText('sysctl settings'), { target: { value: 'vm.swappiness = 10\nnet.core.somaxconn = 4096' } });
    expect(latest).toEqual({ 'vm.swappiness': '10', 'net.core.somaxconn': '4096' });
  });
});

import { useId, type ReactNode } from 'react';
import { FieldIssues } from '@/components/field-issues';

export interface RadioCardOption {
  value: string;
  label: string;
  description?: ReactNode;
  /** Shown before the choice is made: why picking this needs something else too. */
  warning?: string;
}

export interface RadioCardGroupProps {
  legend: string;
  value: string;
  options: readonly RadioCardOption[];
  onChange: (value: string) => void;
  issues?: readonly string[];
}

/** A fieldset of radio buttons laid out as cards; arrow keys move between them as usual. */
export function RadioCardGroup({ legend, value, options, onChange, issues = [] }: RadioCardGroupProps) {
  const name = useId();
  return (
    <fieldset className={issues.length > 0 ? 'radio-cards field--invalid' : 'radio-cards'} aria-describedby={issues.length > 0 ? `${name}-issues` : undefined}>
      <legend>{legend}</legend>
      <div className="radio-cards__options">
        {options.map((option) => {
          const id = `${name}-${option.value}`;
          const detailsId = option.description || option.warning ? `${id}-details` : undefined;
          return (
            <div key={option.value} className={option.value === value ? 'radio-card radio-card--checked' : 'radio-card'}>
              <input
                id={id}
                type="radio"
                name={name}
                value={option.value}
                checked={option.value === value}
                aria-describedby={detailsId}
                onChange={() => onChange(option.value)}
              />
              <label htmlFor={id}>{option.label}</label>
              {detailsId ? (
                <span id={detailsId} className="radio-card__details">
                  {option.description ? <span className="radio-card__description">{option.description}</span> : null}
                  {option.warning ? <span className="radio-card__warning">⚠ {option.warning}</span> : null}
                </span>
              ) : null}
            </div>
          );
        })}
      </div>
      <FieldIssues id={`${name}-issues`} messages={issues} />
    </fieldset>
  );
}

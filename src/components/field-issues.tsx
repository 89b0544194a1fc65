export interface FieldIssuesProps {
  id: string;
  messages: readonly string[];
}

/** The errors under a field; the input points at this with aria-describedby. */
export function FieldIssues({ id, messages }: FieldIssuesProps) {
  if (messages.length === 0) return null;
  return (
    <ul id={id} className="field-issues">
      {messages.map((message) => (
        <li key={message}>{message}</li>
      ))}
    </ul>
  );
}

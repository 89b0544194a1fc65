import { Link } from 'wouter';

export function NotFoundRoute() {
  return (
    <section className="page">
      <h1>Page not found</h1>
      <p>
        There is nothing at this address. <Link href="/">Open the designer</Link>.
      </p>
    </section>
  );
}

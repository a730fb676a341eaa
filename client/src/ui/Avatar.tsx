// A person as initials on their colour. The colour comes from the server (board_members.
// user_color); without one, a hue derived from the name keeps the same person the same colour.

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters =
    words.length > 1 ? words[0]![0]! + words[words.length - 1]![0]! : (words[0] ?? '?').slice(0, 2);
  return letters.toUpperCase();
}

export function fallbackColor(name: string): string {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.codePointAt(0)!) % 360;
  return `hsl(${h} 55% 38%)`;
}

export function Avatar(props: { name: string; color?: string | null; small?: boolean; title?: string }) {
  return (
    <span
      class="avatar"
      classList={{ small: props.small }}
      style={{ background: props.color || fallbackColor(props.name) }}
      title={props.title ?? props.name}
      data-testid="avatar"
    >
      {initials(props.name)}
    </span>
  );
}

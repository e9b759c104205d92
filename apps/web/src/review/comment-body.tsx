import type { CommentNode } from '@clapboard/shared/review';

/**
 * A comment body from its parsed nodes, as React elements: text is always a text node, so nothing
 * a commenter types becomes markup. Links are http(s) only (the parser drops the rest).
 */
export function CommentBody({ nodes }: { nodes: CommentNode[] }) {
  return (
    <span className="comment-body">
      {nodes.map((n, i) => {
        const key = `${i}-${n.type}`;
        switch (n.type) {
          case 'bold':
            return <strong key={key}>{n.text}</strong>;
          case 'italic':
            return <em key={key}>{n.text}</em>;
          case 'code':
            return <code key={key}>{n.text}</code>;
          case 'link':
            return (
              <a key={key} href={n.href} target="_blank" rel="noopener noreferrer nofollow">
                {n.text}
              </a>
            );
          case 'mention':
            return (
              <span key={key} className="mention">
                @{n.name}
              </span>
            );
          case 'break':
            return <br key={key} />;
          default:
            return <span key={key}>{n.text}</span>;
        }
      })}
    </span>
  );
}

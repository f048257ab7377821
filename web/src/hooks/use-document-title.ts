import { useEffect } from 'react';

/** Sets the tab's title: "Log in · CNLearn". */
export function useDocumentTitle(title: string | undefined): void {
  useEffect(() => {
    document.title = title ? `${title} · CNLearn` : 'CNLearn';
  }, [title]);
}

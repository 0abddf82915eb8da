import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SearchSuggestionDto } from '@tongke/contracts';
import { api } from '../../api/client';

const DEBOUNCE_MS = 250;

/**
 * The search field with as-you-type suggestions (titles the user may open, by characters or
 * pinyin), following the ARIA combobox pattern: arrow keys move through the list, Enter picks,
 * Escape closes. Suggestions are asked for after a short pause in typing; an answer that arrives
 * after a newer one was asked for is dropped.
 */
export function SearchBox({ initial, onSearch }: { initial: string; onSearch: (q: string) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const listId = `${id}-suggestions`;
  const [text, setText] = useState(initial);
  const [suggestions, setSuggestions] = useState<SearchSuggestionDto[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const asked = useRef(0);
  const typed = useRef(false);

  // A new search from outside (back button, a facet link) shows its words.
  useEffect(() => {
    setText(initial);
    typed.current = false;
  }, [initial]);

  useEffect(() => {
    const q = text.trim();
    if (!typed.current || q.length === 0) {
      setSuggestions([]);
      return;
    }
    const mine = ++asked.current;
    const timer = window.setTimeout(() => {
      api.searchSuggest(q, 8).then(
        (r) => {
          if (asked.current !== mine) return;
          setSuggestions(r.suggestions);
          setActive(-1);
          setOpen(r.suggestions.length > 0);
        },
        () => {
          // Suggestions are a convenience: a failure just shows none.
          if (asked.current === mine) setSuggestions([]);
        },
      );
    }, DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [text]);

  const choose = (q: string) => {
    asked.current++;
    typed.current = false;
    setText(q);
    setOpen(false);
    setSuggestions([]);
    onSearch(q.trim());
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const picked = open ? suggestions[active] : undefined;
    choose(picked ? picked.text : text);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' && suggestions.length) {
      e.preventDefault();
      setOpen(true);
      setActive((a) => (a + 1) % suggestions.length);
    } else if (e.key === 'ArrowUp' && suggestions.length) {
      e.preventDefault();
      setOpen(true);
      setActive((a) => (a <= 0 ? suggestions.length - 1 : a - 1));
    } else if (e.key === 'Escape') {
      setOpen(false);
      setActive(-1);
    }
  };

  const expanded = open && suggestions.length > 0;
  return (
    <form className="search-form" role="search" onSubmit={submit}>
      <label htmlFor={`${id}-input`} className="visually-hidden">
        {t('search.label')}
      </label>
      <div className="search-combo">
        <input
          id={`${id}-input`}
          type="search"
          role="combobox"
          autoComplete="off"
          enterKeyHint="search"
          aria-autocomplete="list"
          aria-expanded={expanded}
          aria-controls={listId}
          aria-activedescendant={expanded && active >= 0 ? `${listId}-${active}` : undefined}
          placeholder={t('search.placeholder')}
          value={text}
          maxLength={200}
          onChange={(e) => {
            typed.current = true;
            setText(e.target.value);
          }}
          onKeyDown={onKeyDown}
          onBlur={() => setOpen(false)}
          onFocus={() => setOpen(suggestions.length > 0)}
          data-testid="search-input"
        />
        <ul
          id={listId}
          role="listbox"
          aria-label={t('search.suggestions')}
          className="search-suggestions"
          hidden={!expanded}
          data-testid="search-suggestions"
        >
          {suggestions.map((s, i) => (
            <li
              key={s.resourceId}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'search-suggestion-active' : undefined}
              // Keep the focus in the field (blur would close the list before the click lands).
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => choose(s.text)}
            >
              {s.text}
            </li>
          ))}
        </ul>
      </div>
      <button type="submit" className="btn btn-primary">
        {t('search.submit')}
      </button>
      <span className="visually-hidden" role="status" aria-live="polite">
        {expanded ? t('search.suggestionsCount', { count: suggestions.length }) : ''}
      </span>
    </form>
  );
}

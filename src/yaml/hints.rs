//! What an editor most likely did when the YAML parser gives up: libyaml
//! names the grammar rule that broke ("mapping values are not allowed in
//! this context"), these name the slip (a colon in an unquoted title, a key
//! indented one space too far) and how to write it.

/// A help for the syntax error `message` at `line`:`column` (1-based, in
/// characters) of the YAML `text`, when the slip behind it is recognised.
/// `text` starts on line `first_line` of its file: helps name file lines.
pub fn syntax_help(
    text: &str,
    first_line: usize,
    (line, column): (usize, usize),
    message: &str,
) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let here = *lines.get(line.checked_sub(1)?)?;
    if here.contains('\t') {
        return Some("YAML does not allow tabs for indentation: use spaces".into());
    }
    let shift = first_line - 1;
    // This line, or the key line above it, indented with an odd space.
    let above = (0..line - 1).rev().find(|&n| !lines[n].trim().is_empty());
    for n in [Some(line - 1), above].into_iter().flatten() {
        if let Some(help) = odd_space(lines[n], n + 1 + shift) {
            return Some(help);
        }
    }
    if message.contains("mapping values are not allowed") {
        return colon_in_value(here, column).or_else(|| misindented(&lines, line, shift));
    }
    if message.contains("did not find expected key") {
        return inner_quotes(here);
    }
    if message.contains("did not find expected '-' indicator") {
        return misindented(&lines, line, shift);
    }
    if message.contains("while parsing a flow sequence") {
        return Some("a list opened with `[` is not closed: end it with `]`".into());
    }
    if message.contains("while parsing a flow mapping") {
        return Some("a mapping opened with `{` is not closed: end it with `}`".into());
    }
    None
}

/// A key's value holding `: ` (`title: Minsk: il vertice`): the error is
/// at the second colon.
fn colon_in_value(here: &str, column: usize) -> Option<String> {
    let trimmed = here.trim_start();
    let item = trimmed.strip_prefix("- ").unwrap_or(trimmed);
    let (key, value) = item.split_once(": ")?;
    let value = value.trim();
    // The column of the key's own colon.
    let key_colon = here.chars().count() - item.chars().count() + key.chars().count() + 1;
    if column <= key_colon || value.starts_with(['"', '\'']) {
        return None;
    }
    let quoted = value.replace('\\', "\\\\").replace('"', "\\\"");
    Some(format!(
        "the value holds `: `, which YAML reads as another key: put the value in quotes: `{key}: \"{quoted}\"`"
    ))
}

/// Double quotes inside a double-quoted value, or an apostrophe inside a
/// single-quoted one, end it early.
fn inner_quotes(here: &str) -> Option<String> {
    let (key, value) = here.trim_start().split_once(": ")?;
    let value = value.trim_end();
    if value.starts_with('"') && value.matches('"').count() > 2 {
        let inner = &value[1..value.len() - usize::from(value.ends_with('"'))];
        if inner.contains('\'') {
            let escaped = inner.replace('"', "\\\"");
            return Some(format!(
                "the quotes inside the value end it early: write them as `\\\"`: `{key}: \"{escaped}\"`"
            ));
        }
        return Some(format!(
            "the quotes inside the value end it early: quote the value with `'` instead: `{key}: '{inner}'`"
        ));
    }
    if value.starts_with('\'') && value.matches('\'').count() > 2 {
        let inner = &value[1..value.len() - usize::from(value.ends_with('\''))];
        return Some(format!(
            "the apostrophe ends the value early: write it twice inside single quotes (`{key}: '{}'`), or quote the value with `\"`",
            inner.replace('\'', "''")
        ));
    }
    None
}

/// A key indented differently from the keys before it in its mapping;
/// file lines are YAML lines plus `shift`.
fn misindented(lines: &[&str], line: usize, shift: usize) -> Option<String> {
    let here = lines.get(line - 1)?;
    let indent = indent_of(here);
    let key = key_of(here.trim_start())?;
    // The nearest key line above, and the column its mapping's keys start at.
    for (n, above) in lines[..line - 1].iter().enumerate().rev() {
        let trimmed = above.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let item = trimmed.strip_prefix("- ");
        let column = indent_of(above) + if item.is_some() { 2 } else { 0 };
        let sibling = key_of(item.unwrap_or(trimmed))?;
        if column == indent {
            return None; // aligned: something else is wrong
        }
        return Some(format!(
            "`{key}:` on line {} is indented by {indent} spaces, but `{sibling}:` on line {} by {column}: keys of one mapping start in the same column",
            line + shift,
            n + 1 + shift
        ));
    }
    None
}

/// A line indented with non-breaking or other Unicode spaces, which YAML
/// does not count as indentation.
fn odd_space(here: &str, line: usize) -> Option<String> {
    let odd = here
        .chars()
        .take_while(|c| c.is_whitespace())
        .find(|c| *c != ' ' && *c != '\t')?;
    Some(format!(
        "line {line} is indented with {}, which YAML does not read as indentation: retype it with plain spaces",
        space_name(odd)
    ))
}

/// How a space YAML does not indent with is named: `a non-breaking space (U+00A0)`.
pub fn space_name(c: char) -> String {
    let name = if c == '\u{a0}' {
        "a non-breaking space"
    } else {
        "a Unicode space"
    };
    format!("{name} (U+{:04X})", c as u32)
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// The key of a `key: value` (or `key:`) line.
fn key_of(text: &str) -> Option<&str> {
    let key = text.split_once(':')?.0;
    (!key.is_empty() && !key.contains(char::is_whitespace)).then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn help(text: &str) -> Option<String> {
        let e = super::super::parse_value(text).unwrap_err();
        let message = match e.kind {
            super::super::YamlErrorKind::Syntax(m) => m,
            other => panic!("{other:?}"),
        };
        syntax_help(text, 1, (e.line, e.column), &message)
    }

    #[test]
    fn a_colon_in_an_unquoted_value_asks_for_quotes() {
        assert_eq!(
            help("title: Minsk: il vertice\n").as_deref(),
            Some("the value holds `: `, which YAML reads as another key: put the value in quotes: `title: \"Minsk: il vertice\"`")
        );
    }

    #[test]
    fn inner_quotes_are_named() {
        assert_eq!(
            help("title: \"He said \"no\" today\"\n").as_deref(),
            Some("the quotes inside the value end it early: quote the value with `'` instead: `title: 'He said \"no\" today'`")
        );
        assert_eq!(
            help("title: 'L'Europa'\n").as_deref(),
            Some("the apostrophe ends the value early: write it twice inside single quotes (`title: 'L''Europa'`), or quote the value with `\"`")
        );
    }

    #[test]
    fn a_misindented_key_is_pointed_at_with_its_siblings() {
        let five = "title: x\nquotes:\n  - id: a\n     by: x\n    text: y\n";
        assert_eq!(
            help(five).as_deref(),
            Some("`by:` on line 4 is indented by 5 spaces, but `id:` on line 3 by 4: keys of one mapping start in the same column")
        );
        let three = "title: x\nsources:\n  - id: a\n   url: https://x.org\n";
        assert_eq!(
            help(three).as_deref(),
            Some("`url:` on line 4 is indented by 3 spaces, but `id:` on line 3 by 4: keys of one mapping start in the same column")
        );
    }

    #[test]
    fn a_non_breaking_space_in_the_indentation_is_named() {
        let text = "title: x\nquotes:\n  - id: a\n\u{a0}\u{a0}\u{a0}\u{a0}by: x\n    text: y\n";
        assert_eq!(
            help(text).as_deref(),
            Some("line 4 is indented with a non-breaking space (U+00A0), which YAML does not read as indentation: retype it with plain spaces")
        );
    }

    #[test]
    fn unclosed_lists_and_tabs() {
        assert_eq!(
            help("title: x\nactors: [putin\ndate: 2\n").as_deref(),
            Some("a list opened with `[` is not closed: end it with `]`")
        );
        assert!(help("title: x\n\tdate: 2\n").unwrap().contains("tabs"));
    }
}

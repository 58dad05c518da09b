//! "Did you mean …?": the known name closest to a misspelt one.
//!
//! Closeness is the edit distance (insertions, deletions, substitutions) with ASCII case
//! ignored, and only small distances count: a third of the name's length, at least 1 and at
//! most 3. Each comparison costs O(limit × length), so looking through every name of a
//! large document stays linear in its size.

/// The name among `candidates` closest to `name`, if one is close enough; the first in
/// `candidates` order on a tie, so the answer is deterministic.
pub fn closest<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let wanted: Vec<char> = folded(name);
    let limit = (wanted.len() / 3).clamp(1, 3);
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        if candidate == name {
            continue;
        }
        let bound = best.map_or(limit, |(d, _)| d.saturating_sub(1));
        if let Some(d) = distance_within(&wanted, &folded(candidate), bound) {
            if best.is_none_or(|(known, _)| d < known) {
                best = Some((d, candidate));
            }
        }
    }
    best.map(|(_, candidate)| candidate)
}

fn folded(name: &str) -> Vec<char> {
    name.chars().map(|c| c.to_ascii_lowercase()).collect()
}

/// The edit distance between `a` and `b` if it is at most `max`, computed only in the band of
/// cells within `max` of the diagonal (the others exceed `max` anyway).
fn distance_within(a: &[char], b: &[char], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let over = max + 1;
    let mut prev: Vec<usize> = (0..=b.len()).map(|j| j.min(over)).collect();
    let mut cur = vec![over; b.len() + 1];
    for (i, &ca) in a.iter().enumerate() {
        let row = i + 1;
        let lo = row.saturating_sub(max).max(1);
        let hi = (row + max).min(b.len());
        // Column 0 (deleting the whole prefix) when the band reaches it, else "too far".
        let first = if lo == 1 { row.min(over) } else { over };
        set(&mut cur, lo - 1, first);
        let mut row_min = first;
        for j in lo..=hi {
            let substitute = get(&prev, j - 1) + usize::from(b.get(j - 1) != Some(&ca));
            let cell = substitute
                .min(get(&prev, j) + 1)
                .min(get(&cur, j - 1) + 1)
                .min(over);
            set(&mut cur, j, cell);
            row_min = row_min.min(cell);
        }
        // The cell right of the band is read by the next row as "too far".
        set(&mut cur, hi + 1, over);
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = get(&prev, b.len());
    (d <= max).then_some(d)
}

fn get(row: &[usize], j: usize) -> usize {
    row.get(j).copied().unwrap_or(usize::MAX / 2)
}

fn set(row: &mut [usize], j: usize, value: usize) {
    if let Some(cell) = row.get_mut(j) {
        *cell = value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The textbook full-table distance, to check the banded one against.
    fn full_distance(a: &[char], b: &[char]) -> usize {
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.iter().enumerate() {
            let mut cur = vec![i + 1];
            for (j, cb) in b.iter().enumerate() {
                let substitute = prev.get(j).copied().unwrap_or(0) + usize::from(ca != cb);
                let delete = prev.get(j + 1).copied().unwrap_or(0) + 1;
                let insert = cur.get(j).copied().unwrap_or(0) + 1;
                cur.push(substitute.min(delete).min(insert));
            }
            prev = cur;
        }
        prev.last().copied().unwrap_or(0)
    }

    #[test]
    fn suggests_the_closest_name_within_reach() {
        let names = ["Item", "ItemList", "Error"];
        assert_eq!(closest("Iten", names), Some("Item"));
        assert_eq!(closest("item", names), Some("Item"));
        assert_eq!(closest("ItemLists", names), Some("ItemList"));
        assert_eq!(closest("Eror", names), Some("Error"));
        assert_eq!(closest("Nothing", names), None);
        assert_eq!(closest("", names), None);
        assert_eq!(closest("Item", ["Item"]), None, "itself is no suggestion");
    }

    #[test]
    fn ties_go_to_the_first_candidate() {
        assert_eq!(closest("cat", ["bat", "cut", "hat"]), Some("bat"));
        assert_eq!(closest("cat", ["cut", "bat"]), Some("cut"));
        assert_eq!(closest("cat", ["cut", "cat2", "ca"]), Some("cut"));
    }

    #[test]
    fn the_limit_grows_with_the_name_up_to_three() {
        assert_eq!(closest("ab", ["xy"]), None);
        assert_eq!(closest("abcdef", ["abcxyf"]), Some("abcxyf"));
        assert_eq!(
            closest("abcdefghijkl", ["abcdefghixyz"]),
            Some("abcdefghixyz")
        );
        assert_eq!(closest("abcdefghijklmnop", ["abcdefghijklwxyz"]), None);
    }

    proptest! {
        #[test]
        fn banded_distance_agrees_with_the_full_table(
            a in "[abc]{0,12}",
            b in "[abc]{0,12}",
            max in 0usize..5,
        ) {
            let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            let full = full_distance(&a, &b);
            let expected = (full <= max).then_some(full);
            prop_assert_eq!(distance_within(&a, &b, max), expected);
        }
    }
}

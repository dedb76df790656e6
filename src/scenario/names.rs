//! Instance names to ids (and the caller's value): the one lookup every event-log row makes.
//!
//! A log of 100,000 instances looks a name up on every row, at random. With the names behind
//! pointers (`HashMap<Box<str>, _>`) each lookup chased a pointer to compare the key, a cache
//! miss that cost more than parsing the row; SipHash cost as much again. Here names up to
//! [`INLINE`] bytes (every generated or AWS-style name) live inside the table's slots, and the
//! hash is foldhash. Longer names fall back to the heap and work the same.

use super::event::InstanceId;
use hashbrown::{DefaultHashBuilder, HashTable};
use std::hash::BuildHasher;

/// Longest name kept inside a slot.
const INLINE: usize = 22;

/// A name stored for comparison: inline when short.
#[derive(Debug)]
enum Key {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Box<[u8]>),
}

impl Key {
    fn new(name: &[u8]) -> Key {
        match u8::try_from(name.len()) {
            Ok(len) if name.len() <= INLINE => {
                let mut bytes = [0; INLINE];
                bytes[..name.len()].copy_from_slice(name);
                Key::Inline { len, bytes }
            }
            _ => Key::Heap(name.into()),
        }
    }

    fn as_bytes(&self) -> &[u8] {
        match self {
            Key::Inline { len, bytes } => &bytes[..usize::from(*len)],
            Key::Heap(bytes) => bytes,
        }
    }
}

/// Every instance name the scenario launched, with its id and a value of the caller's.
///
/// The value lives in the name's slot too: a separate `Vec` indexed by id cost one more
/// cache miss per row.
#[derive(Debug)]
pub struct NameTable<V> {
    table: HashTable<(Key, InstanceId, V)>,
    hasher: DefaultHashBuilder,
}

impl<V> Default for NameTable<V> {
    fn default() -> Self {
        NameTable {
            table: HashTable::new(),
            hasher: DefaultHashBuilder::default(),
        }
    }
}

impl<V> NameTable<V> {
    /// The id of `name` and its value, if it was inserted.
    pub fn get(&self, name: &str) -> Option<(InstanceId, &V)> {
        self.find(name.as_bytes())
            .map(|(_, id, value)| (*id, value))
    }

    /// Looks `name` up only to bring its slot into the cache, ahead of the row that needs
    /// it (the reader looks a run of rows' names up together, so their misses overlap).
    pub fn touch(&self, name: &[u8]) -> usize {
        self.find(name).map_or(0, |(_, id, _)| id.0 as usize)
    }

    /// The slot of `name`. A short name is compared as one fixed-size array padded with
    /// zeros, a few instructions inline, where comparing slices of the name's length
    /// called `memcmp` for every candidate slot.
    fn find(&self, name: &[u8]) -> Option<&(Key, InstanceId, V)> {
        let hash = self.hasher.hash_one(name);
        match Key::new(name) {
            Key::Inline { len, bytes } => self.table.find(hash, |(key, _, _)| {
                matches!(key, Key::Inline { len: l, bytes: b } if *l == len && *b == bytes)
            }),
            Key::Heap(_) => self
                .table
                .find(hash, |(key, _, _)| key.as_bytes() == name),
        }
    }

    /// Replaces the value of a name in the table (nothing if it is not there).
    pub fn replace(&mut self, name: &str, value: V) {
        let hash = self.hasher.hash_one(name.as_bytes());
        let found = self
            .table
            .find_mut(hash, |(key, _, _)| key.as_bytes() == name.as_bytes());
        if let Some((_, _, slot)) = found {
            *slot = value;
        }
    }

    /// Adds a name not yet in the table, numbering it after the others; `None` past
    /// `u32::MAX` names.
    pub fn insert(&mut self, name: &str, value: V) -> Option<InstanceId> {
        let id = InstanceId(u32::try_from(self.table.len()).ok()?);
        let hasher = &self.hasher;
        let hash = hasher.hash_one(name.as_bytes());
        let entry = (Key::new(name.as_bytes()), id, value);
        self.table
            .insert_unique(hash, entry, |(key, _, _)| hasher.hash_one(key.as_bytes()));
        Some(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_names_are_found_and_numbered_in_order() {
        let mut names = NameTable::default();
        let long = "i-".to_string() + &"0".repeat(40);
        assert_eq!(names.insert("i-1", 'a'), Some(InstanceId(0)));
        assert_eq!(names.insert(&long, 'b'), Some(InstanceId(1)));
        assert_eq!(names.insert("", 'c'), Some(InstanceId(2)));
        assert_eq!(names.get("i-1"), Some((InstanceId(0), &'a')));
        assert_eq!(names.get(&long), Some((InstanceId(1), &'b')));
        assert_eq!(names.get(""), Some((InstanceId(2), &'c')));
        assert_eq!(names.get("i-2"), None);
        assert_eq!(names.get(&long[..22]), None);
        names.replace(&long, 'B');
        names.replace("i-9", 'z');
        assert_eq!(names.get(&long), Some((InstanceId(1), &'B')));
        assert_eq!(names.get("i-9"), None);
    }

    #[test]
    fn a_name_of_exactly_the_inline_length_is_kept_whole() {
        let mut names = NameTable::default();
        let name = "x".repeat(INLINE);
        names.insert(&name, ());
        assert_eq!(names.get(&name), Some((InstanceId(0), &())));
        assert_eq!(names.get(&name[..INLINE - 1]), None);
    }
}

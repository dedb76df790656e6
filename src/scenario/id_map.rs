//! Values by instance id, in dense vectors: the lookup the replay and every meter make for
//! each event.
//!
//! Ids are dense by construction: the event-log reader and the schedule's scaler number
//! instances from 0 up, and the interruption model numbers its replacements from
//! `u32::MAX` down. A hash map from id paid for hashing, a probe of its control bytes and a
//! second cache line for the slot on every event (and rehashed from empty in every Spot
//! trial); here an id is one index into one of two vectors. An id far beyond either end (no
//! source of ec2plan makes one) goes to a small hash map instead, so memory never follows a
//! stray id.

use super::event::InstanceId;

/// Slots past the used length an insert may grow a vector by before the id is kept aside.
const MAX_GAP: usize = 1 << 16;

/// A map from [`InstanceId`] to `V`.
#[derive(Debug, Clone)]
pub struct IdMap<V> {
    /// Ids from 0 up, by id.
    up: Vec<Option<V>>,
    /// Ids from `u32::MAX` down, by `u32::MAX - id`.
    down: Vec<Option<V>>,
    aside: hashbrown::HashMap<InstanceId, V>,
    len: usize,
}

impl<V> Default for IdMap<V> {
    fn default() -> Self {
        IdMap {
            up: Vec::new(),
            down: Vec::new(),
            aside: hashbrown::HashMap::new(),
            len: 0,
        }
    }
}

/// Where an id's slot is: which vector, and the index in it.
fn place(id: InstanceId) -> (bool, usize) {
    if id.0 <= u32::MAX / 2 {
        (true, id.0 as usize)
    } else {
        (false, (u32::MAX - id.0) as usize)
    }
}

impl<V> IdMap<V> {
    fn vector(&self, up: bool) -> &Vec<Option<V>> {
        if up {
            &self.up
        } else {
            &self.down
        }
    }

    fn vector_mut(&mut self, up: bool) -> &mut Vec<Option<V>> {
        if up {
            &mut self.up
        } else {
            &mut self.down
        }
    }

    /// An id kept aside is looked for there too, even once a vector has grown past it.
    pub fn get(&self, id: InstanceId) -> Option<&V> {
        let (up, index) = place(id);
        match self.vector(up).get(index).and_then(Option::as_ref) {
            Some(value) => Some(value),
            None if self.aside.is_empty() => None,
            None => self.aside.get(&id),
        }
    }

    pub fn get_mut(&mut self, id: InstanceId) -> Option<&mut V> {
        let (up, index) = place(id);
        let in_vector = self.vector(up).get(index).is_some_and(Option::is_some);
        if in_vector {
            return self.vector_mut(up)[index].as_mut();
        }
        self.aside.get_mut(&id)
    }

    pub fn contains_key(&self, id: InstanceId) -> bool {
        self.get(id).is_some()
    }

    /// Sets the value of `id`, returning the one it replaces.
    pub fn insert(&mut self, id: InstanceId, value: V) -> Option<V> {
        let (up, index) = place(id);
        let length = self.vector(up).len();
        if index >= length && index - length > MAX_GAP || self.aside.contains_key(&id) {
            let old = self.aside.insert(id, value);
            self.len += usize::from(old.is_none());
            return old;
        }
        let vector = self.vector_mut(up);
        if index >= vector.len() {
            vector.resize_with(index + 1, || None);
        }
        let old = vector[index].replace(value);
        self.len += usize::from(old.is_none());
        old
    }

    pub fn remove(&mut self, id: InstanceId) -> Option<V> {
        let (up, index) = place(id);
        let old = match self.vector_mut(up).get_mut(index).and_then(Option::take) {
            Some(value) => Some(value),
            None => self.aside.remove(&id),
        };
        self.len -= usize::from(old.is_some());
        old
    }

    /// How many ids have a value.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Every id with a value, in increasing order.
    pub fn ids(&self) -> Vec<InstanceId> {
        let numbered = |v: &Vec<Option<V>>, id: fn(usize) -> InstanceId| {
            v.iter()
                .enumerate()
                .filter(|(_, slot)| slot.is_some())
                .map(move |(i, _)| id(i))
                .collect::<Vec<_>>()
        };
        let mut ids = numbered(&self.up, |i| InstanceId(i as u32));
        ids.extend(self.aside.keys().copied());
        ids.extend(numbered(&self.down, |i| InstanceId(u32::MAX - i as u32)));
        ids.sort_unstable();
        ids
    }

    /// Empties the map, keeping its memory for the next use.
    pub fn clear(&mut self) {
        for slot in self.up.iter_mut().chain(self.down.iter_mut()) {
            *slot = None;
        }
        self.aside.clear();
        self.len = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_both_ends_and_far_away_are_kept_apart() {
        let mut map = IdMap::default();
        let far = InstanceId(1 << 30);
        assert_eq!(map.insert(InstanceId(0), 'a'), None);
        assert_eq!(map.insert(InstanceId(3), 'b'), None);
        assert_eq!(map.insert(InstanceId(u32::MAX), 'c'), None);
        assert_eq!(map.insert(InstanceId(u32::MAX - 2), 'd'), None);
        assert_eq!(map.insert(far, 'e'), None);
        assert_eq!(map.insert(InstanceId(3), 'B'), Some('b'));
        assert_eq!(map.len(), 5);
        assert_eq!(map.get(InstanceId(3)), Some(&'B'));
        assert_eq!(map.get(InstanceId(1)), None);
        assert_eq!(map.get(InstanceId(u32::MAX - 1)), None);
        assert_eq!(map.get(far), Some(&'e'));
        // The far id did not grow the vector to reach it.
        assert!(map.up.len() < 10);
        assert_eq!(
            map.ids(),
            vec![
                InstanceId(0),
                InstanceId(3),
                far,
                InstanceId(u32::MAX - 2),
                InstanceId(u32::MAX)
            ]
        );
        assert_eq!(map.remove(InstanceId(u32::MAX)), Some('c'));
        assert_eq!(map.remove(InstanceId(u32::MAX)), None);
        // An id put aside stays found when the vector later grows past it.
        let near = InstanceId(MAX_GAP as u32 + 100);
        assert_eq!(map.insert(near, 'f'), None);
        let filled = (4..MAX_GAP as u32 + 200)
            .map(InstanceId)
            .filter(|id| *id != near);
        for id in filled.clone() {
            map.insert(id, 'x');
        }
        assert!(map.up.len() > MAX_GAP + 100);
        assert_eq!(map.get(near), Some(&'f'));
        assert_eq!(map.insert(near, 'g'), Some('f'));
        assert_eq!(map.remove(near), Some('g'));
        assert_eq!(map.get(near), None);
        for id in filled {
            map.remove(id);
        }
        assert_eq!(map.remove(far), Some('e'));
        if let Some(v) = map.get_mut(InstanceId(0)) {
            *v = 'z';
        }
        assert_eq!(map.get(InstanceId(0)), Some(&'z'));
        assert_eq!(map.len(), 3);
        map.clear();
        assert!(map.is_empty());
        assert_eq!(map.get(InstanceId(0)), None);
    }
}

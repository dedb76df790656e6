//! Values by instance id, in pages of dense slots: the lookup the replay and every meter
//! make for each event.
//!
//! Ids are dense by construction: the event-log reader and the schedule's scaler number
//! instances from 0 up, and the interruption model numbers its replacements from
//! `u32::MAX` down. A hash map from id paid for hashing, a probe of its control bytes and a
//! second cache line for the slot on every event (and rehashed from empty in every Spot
//! trial); here an id is one index into a page. Instances end roughly in the order they
//! started, so a page whose instances have all ended is freed: memory follows the
//! instances alive, not every instance the scenario ever launched. An id far beyond the
//! pages in use (no source of ec2plan makes one) goes to a small hash map instead.

use super::event::InstanceId;

/// Ids per page.
const PAGE: usize = 4096;
/// Pages past the last one an insert may add before the id is kept aside instead.
const MAX_GAP_PAGES: usize = 64;

/// One page of slots and how many hold a value.
#[derive(Debug, Clone)]
struct Page<V> {
    slots: Box<[Option<V>]>,
    used: usize,
}

/// A map from [`InstanceId`] to `V`.
#[derive(Debug, Clone)]
pub struct IdMap<V> {
    /// Ids from 0 up, by id.
    up: Vec<Option<Page<V>>>,
    /// Ids from `u32::MAX` down, by `u32::MAX - id`.
    down: Vec<Option<Page<V>>>,
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

/// Where an id's slot is: which page list, the page, and the slot in it.
fn place(id: InstanceId) -> (bool, usize, usize) {
    let (up, index) = if id.0 <= u32::MAX / 2 {
        (true, id.0 as usize)
    } else {
        (false, (u32::MAX - id.0) as usize)
    };
    (up, index / PAGE, index % PAGE)
}

/// The id of slot `slot` of page `page` in the list `up` (or the one counting down).
fn id_at(up: bool, page: usize, slot: usize) -> InstanceId {
    let index = (page * PAGE + slot) as u32;
    InstanceId(if up { index } else { u32::MAX - index })
}

impl<V> IdMap<V> {
    fn pages(&self, up: bool) -> &Vec<Option<Page<V>>> {
        if up {
            &self.up
        } else {
            &self.down
        }
    }

    fn pages_mut(&mut self, up: bool) -> &mut Vec<Option<Page<V>>> {
        if up {
            &mut self.up
        } else {
            &mut self.down
        }
    }

    fn slot(&self, id: InstanceId) -> Option<&V> {
        let (up, page, slot) = place(id);
        self.pages(up).get(page)?.as_ref()?.slots[slot].as_ref()
    }

    /// An id kept aside is looked for there too, even once the pages have grown past it.
    pub fn get(&self, id: InstanceId) -> Option<&V> {
        match self.slot(id) {
            Some(value) => Some(value),
            None if self.aside.is_empty() => None,
            None => self.aside.get(&id),
        }
    }

    pub fn get_mut(&mut self, id: InstanceId) -> Option<&mut V> {
        if self.slot(id).is_some() {
            let (up, page, slot) = place(id);
            return self.pages_mut(up)[page].as_mut()?.slots[slot].as_mut();
        }
        self.aside.get_mut(&id)
    }

    pub fn contains_key(&self, id: InstanceId) -> bool {
        self.get(id).is_some()
    }

    /// Sets the value of `id`, returning the one it replaces.
    pub fn insert(&mut self, id: InstanceId, value: V) -> Option<V> {
        let (up, page, slot) = place(id);
        let too_far = page >= self.pages(up).len() + MAX_GAP_PAGES;
        if too_far || self.aside.contains_key(&id) {
            let old = self.aside.insert(id, value);
            self.len += usize::from(old.is_none());
            return old;
        }
        let pages = self.pages_mut(up);
        if page >= pages.len() {
            pages.resize_with(page + 1, || None);
        }
        let page = pages[page].get_or_insert_with(|| Page {
            slots: (0..PAGE).map(|_| None).collect(),
            used: 0,
        });
        let old = page.slots[slot].replace(value);
        if old.is_none() {
            page.used += 1;
            self.len += 1;
        }
        old
    }

    /// Takes the value of `id` out; a page left empty is freed.
    pub fn remove(&mut self, id: InstanceId) -> Option<V> {
        let (up, page, slot) = place(id);
        let in_page = self.pages_mut(up).get_mut(page).and_then(|p| {
            let entry = p.as_mut()?;
            let old = entry.slots[slot].take()?;
            entry.used -= 1;
            if entry.used == 0 {
                *p = None;
            }
            Some(old)
        });
        let old = match in_page {
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
        let mut ids: Vec<InstanceId> = self.aside.keys().copied().collect();
        for up in [true, false] {
            for (number, page) in self.pages(up).iter().enumerate() {
                let Some(page) = page else { continue };
                let used = page.slots.iter().enumerate().filter(|(_, v)| v.is_some());
                ids.extend(used.map(|(slot, _)| id_at(up, number, slot)));
            }
        }
        ids.sort_unstable();
        ids
    }

    /// Pages allocated (for tests of the memory they follow).
    #[cfg(test)]
    fn pages_held(&self) -> usize {
        self.up.iter().chain(&self.down).flatten().count()
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
        // The far id did not grow the pages to reach it.
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
        // An id put aside stays found when the pages later grow past it.
        let near = InstanceId(((MAX_GAP_PAGES + 1) * PAGE) as u32 + 100);
        assert_eq!(map.insert(near, 'f'), None);
        let filled = (4..near.0 + 200).map(InstanceId).filter(|id| *id != near);
        for id in filled.clone() {
            map.insert(id, 'x');
        }
        assert!(map.up.len() > MAX_GAP_PAGES + 1);
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
    }

    #[test]
    fn a_page_is_freed_when_its_last_instance_ends() {
        let mut map = IdMap::default();
        for i in 0..(2 * PAGE) as u32 {
            map.insert(InstanceId(i), i);
        }
        map.insert(InstanceId(u32::MAX), 0);
        assert_eq!(map.pages_held(), 3);
        for i in 0..PAGE as u32 - 1 {
            assert_eq!(map.remove(InstanceId(i)), Some(i));
        }
        assert_eq!(
            map.pages_held(),
            3,
            "one instance still holds the first page"
        );
        map.remove(InstanceId(PAGE as u32 - 1));
        map.remove(InstanceId(u32::MAX));
        assert_eq!(map.pages_held(), 1);
        assert_eq!(map.len(), PAGE);
        assert_eq!(map.get(InstanceId(3)), None);
        assert_eq!(map.get(InstanceId(PAGE as u32)), Some(&(PAGE as u32)));
        // A freed page comes back when an id of it is used again.
        map.insert(InstanceId(7), 7);
        assert_eq!(map.pages_held(), 2);
        assert_eq!(map.ids().first(), Some(&InstanceId(7)));
    }
}

//! Writing names in one form, fast: each distinct token is analysed and rendered
//! once per thread, after which writing a name is splitting it and copying the
//! cached forms of its tokens.

use rustc_hash::FxHashMap;

use super::analysis::{NameAnalysis, Scratch};
use super::{legacy, Form};
use crate::column::StrColumn;

/// Where a token's three forms sit in the writer's arena.
#[derive(Clone, Copy)]
struct Rendered {
    display: (u32, u32),
    key: (u32, u32),
    fold: (u32, u32),
    may_be_honorific: bool,
    /// The token looks legacy-encoded: its name takes the full path.
    legacy: bool,
}

/// Bounds the cache; input with endless distinct tokens just resets it.
const MAX_CACHED_TOKENS: usize = 1 << 16;

/// Bounds the whole-name cache of one bulk call (a few MB a thread when full).
const MAX_CACHED_NAMES: usize = 1 << 16;

/// Names longer than this are written afresh each time: real names are far
/// shorter, and caching long hostile strings would only hold memory.
const MAX_CACHED_NAME_BYTES: usize = 64;

/// The arena a thread keeps between bulk calls; 65,536 real names, typed and
/// written, fit well within it.
const MAX_KEPT_ARENA_BYTES: usize = 16 << 20;

/// Names already written during one bulk call. A roster repeats its names (a
/// generated province of 102,235 members has about 53,000 distinct spellings),
/// and a repeat then costs one lookup instead of splitting the name and looking
/// up each token (about a tenth of a bulk call's time, measured on 100,000
/// generated names; the lookups miss the processor's caches, which is why it is
/// not more), and the Python binding hands a repeat the str object it already made.
/// Its contents live for one call only: a benchmark that writes the same column
/// twice measures the second pass as honestly as the first.
#[derive(Default)]
struct WrittenNames {
    /// The call and form the live entries belong to (a call writes one form).
    call: u64,
    form: Option<Form>,
    /// Live slots carry this number; starting afresh takes the next one, so no
    /// slot needs clearing (0 marks a slot never used).
    epoch: u32,
    /// FxHash of the name as typed → the name, by open addressing with linear
    /// probing (a power of two long, at most half full). A colliding name fails the
    /// text check and is written afresh. A table of our own, rather than a map, so
    /// that the bulk loop can prefetch the slots of the names ahead of it: the
    /// lookups miss the processor's caches, and were a quarter of a bulk write.
    slots: Vec<Slot>,
    live: usize,
    /// Each cached name's typed text followed by its written form.
    arena: String,
}

#[derive(Clone, Copy, Default)]
struct Slot {
    hash: u64,
    epoch: u32,
    start: u32,
    typed_len: u16,
    written_len: u16,
    /// The row of the call that first wrote it.
    row: u32,
}

/// What `write_in_call` did with a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Written {
    /// Written afresh (the first time this call, or a name too long to cache).
    Fresh,
    /// The same text as the given row of this call already had.
    SameAs(u32),
}

/// Asks the processor to bring `value` into its caches; a hint only.
#[inline(always)]
fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch reads nothing the program observes and cannot fault; the
    // pointer comes from a reference anyway.
    unsafe {
        core::arch::x86_64::_mm_prefetch::<{ core::arch::x86_64::_MM_HINT_T0 }>((value as *const T).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

fn name_hash(raw: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(raw)
}

impl WrittenNames {
    /// Empties the cache for `call` writing `form`.
    fn reset(&mut self, call: u64, form: Option<Form>) {
        self.call = call;
        self.form = form;
        self.live = 0;
        self.arena.clear();
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            // Four billion calls on: old slots could pass for live ones, so clear them.
            self.slots.fill(Slot::default());
            self.epoch = 1;
        }
    }

    fn home(&self, hash: u64) -> usize {
        (hash ^ (hash >> 29)) as usize & (self.slots.len() - 1)
    }

    /// The live slot holding `hash`, if any.
    fn find(&self, hash: u64) -> Option<&Slot> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut i = self.home(hash);
        loop {
            let slot = &self.slots[i];
            if slot.epoch != self.epoch {
                return None;
            }
            if slot.hash == hash {
                return Some(slot);
            }
            i = (i + 1) & mask;
        }
    }

    fn insert(&mut self, slot: Slot) {
        if (self.live + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut i = self.home(slot.hash);
        while self.slots[i].epoch == self.epoch {
            i = (i + 1) & mask;
        }
        self.slots[i] = Slot { epoch: self.epoch, ..slot };
        self.live += 1;
    }

    fn grow(&mut self) {
        let old = std::mem::take(&mut self.slots);
        self.slots = vec![Slot::default(); (old.len() * 2).max(4096)];
        let mask = self.slots.len() - 1;
        for slot in old.into_iter().filter(|s| s.epoch == self.epoch) {
            let mut i = self.home(slot.hash);
            while self.slots[i].epoch == self.epoch {
                i = (i + 1) & mask;
            }
            self.slots[i] = slot;
        }
    }

    fn prefetch_slot(&self, hash: u64) {
        if !self.slots.is_empty() {
            prefetch(&self.slots[self.home(hash)]);
        }
    }

    /// Once the slot is in cache: the text it points at.
    fn prefetch_text(&self, hash: u64) {
        if self.slots.is_empty() {
            return;
        }
        let slot = &self.slots[self.home(hash)];
        if slot.epoch == self.epoch && slot.hash == hash {
            if let Some(byte) = self.arena.as_bytes().get(slot.start as usize) {
                prefetch(byte);
            }
        }
    }

    fn typed(&self, e: &Slot) -> &str {
        let s = e.start as usize;
        &self.arena[s..s + e.typed_len as usize]
    }

    fn written(&self, e: &Slot) -> &str {
        let s = e.start as usize + e.typed_len as usize;
        &self.arena[s..s + e.written_len as usize]
    }
}

/// Buffers and the rendered-token cache of one thread.
#[derive(Default)]
pub struct Writer {
    scratch: Scratch,
    analysis: NameAnalysis,
    rendered: FxHashMap<Box<str>, Rendered>,
    arena: String,
    written: WrittenNames,
    /// The name hashes of the chunk being written.
    hashes: Vec<u64>,
}

impl Writer {
    /// Forgets the bulk call's names. The table and arena keep their allocation
    /// (bounded by `MAX_CACHED_NAMES`) for the next call: growing them afresh each
    /// call cost a tenth of a bulk normalisation in rehashing and page faults. An
    /// arena swollen by unusual input is given back.
    pub(super) fn end_call(&mut self) {
        self.written.reset(0, None);
        if self.written.arena.capacity() > MAX_KEPT_ARENA_BYTES {
            self.written.arena = String::new();
        }
    }

    /// Writes a chunk of bulk call `call` (a number other than 0 that no other call
    /// shares) whose first name is row `first_row` of the call, into `col`, and says
    /// for each row whether it repeats a row this thread already wrote in the call
    /// (then the text is copied from the call's cache).
    pub(super) fn write_chunk_in_call(
        &mut self,
        call: u64,
        first_row: usize,
        names: &[Option<&str>],
        form: Form,
        col: &mut StrColumn,
        same_as: &mut Vec<Option<u32>>,
    ) {
        // Far enough ahead that the slot arrives before it is read; the text is
        // fetched once its slot is in cache.
        const AHEAD: usize = 8;
        if self.written.call != call || self.written.form != Some(form) {
            self.written.reset(call, Some(form));
        }
        let mut hashes = std::mem::take(&mut self.hashes);
        hashes.clear();
        hashes.extend(names.iter().map(|n| n.filter(|s| s.len() <= MAX_CACHED_NAME_BYTES).map_or(0, name_hash)));
        for (i, name) in names.iter().enumerate() {
            if let Some(&h) = hashes.get(i + AHEAD) {
                self.written.prefetch_slot(h);
            }
            if let Some(&h) = hashes.get(i + AHEAD / 2) {
                self.written.prefetch_text(h);
            }
            let Some(raw) = name else {
                col.push_null();
                same_as.push(None);
                continue;
            };
            same_as.push(match u32::try_from(first_row + i) {
                Ok(row) if raw.len() <= MAX_CACHED_NAME_BYTES => {
                    match self.write_in_call(row, hashes[i], raw, form, &mut col.data) {
                        Written::Fresh => None,
                        Written::SameAs(first) => Some(first),
                    }
                }
                _ => {
                    self.write(raw, form, &mut col.data);
                    None
                }
            });
            col.finish_value();
        }
        self.hashes = hashes;
    }

    /// One name of a bulk call, `hash` being its `name_hash`.
    fn write_in_call(&mut self, row: u32, hash: u64, raw: &str, form: Form, out: &mut String) -> Written {
        if self.written.live >= MAX_CACHED_NAMES {
            let (call, form) = (self.written.call, self.written.form);
            self.written.reset(call, form);
        }
        let known = match self.written.find(hash) {
            Some(e) if self.written.typed(e) == raw => {
                out.push_str(self.written.written(e));
                return Written::SameAs(e.row);
            }
            Some(_) => true, // another name with the same hash holds the slot
            None => false,
        };
        let begin = out.len();
        self.write(raw, form, out);
        let written = &out[begin..];
        // A form too long for the entry (far beyond any real name) is not cached.
        if known || written.len() > usize::from(u16::MAX) {
            return Written::Fresh;
        }
        let start = self.written.arena.len() as u32;
        self.written.arena.push_str(raw);
        self.written.arena.push_str(written);
        self.written.insert(Slot {
            hash,
            epoch: 0,
            start,
            typed_len: raw.len() as u16,
            written_len: written.len() as u16,
            row,
        });
        Written::Fresh
    }

    /// Appends `raw` in the requested form to `out`, from its tokens' cached forms
    /// (the full path for legacy text).
    pub fn write(&mut self, raw: &str, form: Form, out: &mut String) {
        // Legacy text is rare: repair and settle it on the full path. Whether a name
        // is legacy text is decided from what splitting saw and from each token's
        // cached verdict, so the common name is scanned once.
        self.scratch.tokens.split(raw);
        if self.scratch.tokens.suspicious || legacy::capitals_with_small_codes(raw) {
            return self.write_analysed(raw, form, out);
        }
        let start = out.len();
        for i in 0..self.scratch.tokens.len() {
            let token = self.scratch.tokens.get(i, &mut self.scratch.token_buf);
            let r = match self.rendered.get(token) {
                Some(r) => *r,
                None => {
                    if self.rendered.len() >= MAX_CACHED_TOKENS {
                        self.rendered.clear();
                        self.arena.clear();
                    }
                    let token: Box<str> = token.into();
                    let r = render_token(&token, &mut self.analysis, &mut self.scratch, &mut self.arena);
                    self.rendered.insert(token, r);
                    r
                }
            };
            if r.legacy || (i == 0 && r.may_be_honorific && self.scratch.tokens.len() >= 2) {
                out.truncate(start);
                return self.write_analysed(raw, form, out);
            }
            if i > 0 {
                out.push(' ');
            }
            let (s, e) = match form {
                Form::Display => r.display,
                Form::Key => r.key,
                Form::Fold => r.fold,
            };
            out.push_str(&self.arena[s as usize..e as usize]);
        }
    }

    /// The full path: repair, analyse every token, drop honorifics.
    fn write_analysed(&mut self, raw: &str, form: Form, out: &mut String) {
        self.analysis.analyse(raw, &mut self.scratch);
        let a = &self.analysis;
        for (i, t) in a.tokens.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            match form {
                Form::Display => a.write_display_token(t, out),
                Form::Key => a.write_key_token(t, out),
                Form::Fold => a.write_fold_token(t, out),
            }
        }
    }
}

fn render_token(token: &str, analysis: &mut NameAnalysis, scratch: &mut Scratch, arena: &mut String) -> Rendered {
    analysis.read_single_token(token, &mut scratch.letters);
    let t = analysis.tokens[0];
    let mut span = |write: &dyn Fn(&mut String)| {
        let s = arena.len() as u32;
        write(arena);
        (s, arena.len() as u32)
    };
    let display = span(&|out| analysis.write_display_token(&t, out));
    let key = span(&|out| analysis.write_key_token(&t, out));
    let fold = span(&|out| analysis.write_fold_token(&t, out));
    Rendered {
        display,
        key,
        fold,
        may_be_honorific: analysis.may_be_honorific(&t),
        legacy: legacy::has_signature(token),
    }
}

thread_local! {
    /// Each worker keeps its writer, and so its cache, from call to call: a
    /// second column of the same province renders almost nothing anew.
    static WRITER: std::cell::RefCell<Writer> = std::cell::RefCell::new(Writer::default());
}

pub(super) fn with_thread_writer<T>(f: impl FnOnce(&mut Writer) -> T) -> T {
    WRITER.with(|w| match w.try_borrow_mut() {
        Ok(mut writer) => f(&mut writer),
        // Re-entered on this thread (rayon work-stealing inside f): use a fresh one.
        Err(_) => f(&mut Writer::default()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh(raw: &str, form: Form) -> String {
        let mut out = String::new();
        Writer::default().write(raw, form, &mut out);
        out
    }

    fn analysed(raw: &str, form: Form) -> String {
        let mut out = String::new();
        Writer::default().write_analysed(raw, form, &mut out);
        out
    }

    #[test]
    fn the_cached_path_writes_what_the_full_path_writes() {
        // The full path analyses the whole name; the cached path must answer the
        // same, or a name's key would disagree with its comparison. Found by the
        // fuzz suite: "A Uê THOÌ" is TCVN3 capitals only as a whole name.
        for raw in ["A Uê THOÌ", "CAO Lý", "Lã Bá Tư", "NGUYỄN VĂN HÙNG", "Nguyễn Văn Hùng", "TRẦN thị Thuỷ"]
        {
            for form in [Form::Display, Form::Key, Form::Fold] {
                assert_eq!(fresh(raw, form), analysed(raw, form), "{raw:?} {form:?}");
            }
        }
        // And on random text from the letters legacy encodings and capitals mix.
        use rand::{RngExt, SeedableRng};
        let alphabet: Vec<char> = "aeiouyAEIOUYdDnNgGhHtTcCmMqQrRsSvVxXkKlLbBpP  ÔÕÖ×ØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõö÷øùúûüýþÿ¡¢£¤¥¦§¨©ª«¬®¯°±²³´µ¶·¸¹º»¼½¾¿ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓăâđêôơưĂÂĐÊÔƠƯàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ".chars().collect();
        let mut rng = rand_pcg::Pcg64::seed_from_u64(11);
        let mut writer = Writer::default();
        for _ in 0..20_000 {
            let len = rng.random_range(1..16);
            let raw: String = (0..len).map(|_| alphabet[rng.random_range(0..alphabet.len())]).collect();
            for form in [Form::Display, Form::Key] {
                let mut cached = String::new();
                writer.write(&raw, form, &mut cached);
                assert_eq!(cached, analysed(&raw, form), "{raw:?} {form:?}");
            }
        }
    }

    #[test]
    fn names_sharing_a_hash_are_each_written_as_themselves() {
        let mut w = Writer::default();
        w.written.reset(1, Some(Form::Display));
        let mut out = String::new();
        assert_eq!(w.write_in_call(0, 42, "nguyễn văn hùng", Form::Display, &mut out), Written::Fresh);
        out.clear();
        assert_eq!(w.write_in_call(1, 42, "trần thị thủy", Form::Display, &mut out), Written::Fresh);
        assert_eq!(out, "Trần Thị Thuỷ");
        out.clear();
        assert_eq!(w.write_in_call(2, 42, "nguyễn văn hùng", Form::Display, &mut out), Written::SameAs(0));
        assert_eq!(out, "Nguyễn Văn Hùng");
    }

    #[test]
    fn the_table_grows_and_restarts_without_losing_a_name() {
        // More distinct names than the cache holds, each twice, in one chunk: the
        // table grows from empty, starts afresh at its bound, and every row still
        // reads as a fresh write; a repeat points at a row that wrote the same name.
        let givens = ["Hùng", "Thuỷ", "Lan", "Tuấn", "Nghĩa", "Phương", "Trường", "Thắng"];
        let names: Vec<String> = (0..MAX_CACHED_NAMES + 5_000)
            .map(|i| format!("Nguyễn {} {}", givens[i % givens.len()], i))
            .flat_map(|n| [n.clone(), n])
            .collect();
        let refs: Vec<Option<&str>> = names.iter().map(|s| Some(s.as_str())).collect();
        for form in [Form::Key, Form::Display] {
            let mut w = Writer::default();
            let (mut col, mut same_as) = (StrColumn::with_capacity(0, 0), Vec::new());
            w.write_chunk_in_call(7, 0, &refs, form, &mut col, &mut same_as);
            let mut repeats = 0;
            for (i, name) in names.iter().enumerate() {
                assert_eq!(col.get(i), Some(fresh(name, form).as_str()), "{name}");
                if let Some(j) = same_as[i] {
                    assert_eq!(names[j as usize], *name);
                    assert_eq!(same_as[j as usize], None);
                    repeats += 1;
                }
            }
            assert!(repeats >= names.len() / 2 - 2, "{repeats}");
        }
    }
}

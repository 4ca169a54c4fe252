//! Writing names in one form, fast: each distinct token is analysed and rendered
//! once per thread, after which writing a name is splitting it and copying the
//! cached forms of its tokens.

use rustc_hash::FxHashMap;

use super::analysis::{NameAnalysis, Scratch};
use super::{legacy, Form};

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

/// The arena a thread keeps between bulk calls; 65,536 real names in three forms
/// fit well within it.
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
    /// The call and form the contents belong to (a call writes one form).
    call: u64,
    form: Option<Form>,
    /// FxHash of the name as typed → the name (a colliding name fails the text
    /// check and is written afresh). Entries are small and sit in the table itself,
    /// and the typed text lies just before its written form in the arena, so a
    /// repeat touches two places, each usually one cache line.
    index: FxHashMap<u64, WrittenName>,
    arena: String,
}

/// At `start` in the arena: the typed text, then its written form.
struct WrittenName {
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

impl WrittenNames {
    fn reset(&mut self, call: u64, form: Option<Form>) {
        self.call = call;
        self.form = form;
        self.index.clear();
        self.arena.clear();
    }

    fn typed(&self, e: &WrittenName) -> &str {
        let s = e.start as usize;
        &self.arena[s..s + e.typed_len as usize]
    }

    fn written(&self, e: &WrittenName) -> &str {
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

    /// As `write`, within bulk call `call` (a number other than 0 that no other call
    /// shares), as row `row` of that call: a name already written during this call
    /// is copied from the call's cache, and the answer says which row wrote it first.
    pub(super) fn write_in_call(&mut self, call: u64, row: u32, raw: &str, form: Form, out: &mut String) -> Written {
        if raw.len() > MAX_CACHED_NAME_BYTES {
            self.write(raw, form, out);
            return Written::Fresh;
        }
        if self.written.call != call || self.written.form != Some(form) || self.written.index.len() >= MAX_CACHED_NAMES {
            self.written.reset(call, Some(form));
        }
        let hash = {
            use std::hash::BuildHasher;
            rustc_hash::FxBuildHasher.hash_one(raw)
        };
        let known = match self.written.index.get(&hash) {
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
        self.written.index.insert(hash, WrittenName { start, typed_len: raw.len() as u16, written_len: written.len() as u16, row });
        Written::Fresh
    }

    /// Appends `raw` in the requested form to `out`, from its tokens' cached forms
    /// (the full path for legacy text).
    pub fn write(&mut self, raw: &str, form: Form, out: &mut String) {
        // Legacy text is rare: repair and settle it on the full path. Whether a name
        // is legacy text is decided from what splitting saw and from each token's
        // cached verdict, so the common name is scanned once.
        self.scratch.tokens.split(raw);
        if self.scratch.tokens.suspicious {
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
    Rendered { display, key, fold, may_be_honorific: analysis.may_be_honorific(&t), legacy: legacy::has_signature(token) }
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

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

/// Buffers and the rendered-token cache of one thread.
#[derive(Default)]
pub struct Writer {
    scratch: Scratch,
    analysis: NameAnalysis,
    rendered: FxHashMap<Box<str>, Rendered>,
    arena: String,
}

impl Writer {
    /// Appends `raw` in the requested form to `out`.
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

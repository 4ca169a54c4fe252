//! The population side: one record per person as the police database exports it.

use rand::RngExt;
use rand_pcg::Pcg64Mcg;

use super::data::{is_city, PROVINCES};
use super::dates::{full_date, partial_text, write_date, DateStyle, PartialStyle};
use super::noise::{render, write_form, Form};
use super::people::{AliasPlace, OldNumber, People, Person};
use super::rng::{rng, Stream};
use super::{Config, Table};
use crate::names::ToneStyle;
use crate::values::PartialDate;

#[derive(Clone)]
pub struct PopRecord {
    pub person: u64,
    pub number: u64,
    pub name: String,
    pub other_names: Option<String>,
    pub form: Form,
    pub dob: PartialDate,
    pub dob_text: String,
    pub male: bool,
    pub hometown: usize,
    pub hometown_text: String,
    pub hometown_new: bool,
    pub old: Option<OldNumber>,
}

pub fn chance(r: &mut Pcg64Mcg, p: f64) -> bool {
    p > 0.0 && r.random::<f64>() < p
}

pub const PARTIAL_STYLES: [PartialStyle; 3] =
    [PartialStyle::ZeroedDayMonth, PartialStyle::YearOnly, PartialStyle::MonthYear];

/// A hometown as records write it: the province under its old or new name,
/// sometimes after "Tỉnh"/"Thành phố", in the record's tone style.
pub fn hometown_text(province: usize, new_name: bool, prefix: bool, style: ToneStyle) -> String {
    let (_, old, new) = PROVINCES[province];
    let name = if new_name { new } else { old };
    let mut words: Vec<&str> = Vec::with_capacity(6);
    if prefix {
        words.extend(if is_city(name) { ["Thành", "phố"].as_slice() } else { ["Tỉnh"].as_slice() });
    }
    words.extend(name.split(' '));
    let mut out = String::with_capacity(name.len() + 12);
    render(&words, style, &mut out);
    out
}

pub fn record(config: &Config, people: &People<'_>, j: u64) -> PopRecord {
    record_of(config, people, j, &people.person(j))
}

/// The record of a person already drawn (the roster side draws them anyway).
pub fn record_of(config: &Config, people: &People<'_>, j: u64, person: &Person) -> PopRecord {
    let rates = &config.rates;
    let mut r = rng(config.seed, Stream::Population, j);
    let style = if chance(&mut r, rates.population_new_tone_style) { ToneStyle::New } else { ToneStyle::Old };
    let form = Form {
        style: Some(style),
        upper: chance(&mut r, rates.population_upper),
        nfd: chance(&mut r, rates.population_nfd),
        legacy: None,
    };
    let mut name = String::with_capacity(40);
    write_form(person.name.tokens(), &form, &mut name);
    let other_names = match person.alias {
        Some((in_use, AliasPlace::PopulationOtherNames | AliasPlace::Both)) => {
            let mut s = String::with_capacity(40);
            write_form(in_use.tokens(), &form, &mut s);
            Some(s)
        }
        _ => None,
    };
    let full = full_date(person.core.dob);
    let mut dob_text = String::with_capacity(10);
    let oldest = i32::from(full.year) < config.as_of_year() - 75;
    let dob = if oldest && chance(&mut r, rates.population_partial_dob) {
        partial_text(&full, PARTIAL_STYLES[r.random_range(0..PARTIAL_STYLES.len())], &mut dob_text)
    } else {
        write_date(person.core.dob, DateStyle::Dmy, &mut dob_text);
        full
    };
    let new_name = chance(&mut r, rates.population_new_province_name);
    let prefix = chance(&mut r, rates.hometown_prefix);
    PopRecord {
        person: j,
        number: person.core.number,
        name,
        other_names,
        form,
        dob,
        dob_text,
        male: person.core.male,
        hometown: person.hometown,
        hometown_text: hometown_text(person.hometown, new_name, prefix, style),
        hometown_new: new_name,
        old: people.old_number_of(j, &person.core),
    }
}

impl PopRecord {
    pub fn write(&self, table: &mut Table) {
        let number = format!("{:012}", self.number);
        let old = self.old.map(|o| format!("{:09}", o.number));
        let values = [
            Some(number.as_str()),
            Some(self.name.as_str()),
            self.other_names.as_deref(),
            Some(self.dob_text.as_str()),
            Some(if self.male { "Nam" } else { "Nữ" }),
            Some(self.hometown_text.as_str()),
            old.as_deref(),
        ];
        for (i, v) in values.into_iter().enumerate() {
            table.push(i, v);
        }
    }
}

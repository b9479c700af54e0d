//! A deterministic synthetic storia site for benchmarks (issue 6).
//!
//! ```sh
//! cargo run --release --example gen_corpus -- --digests 10000 --seed 1 --out /tmp/bench/storia-10k
//! ```
//!
//! Same `--digests` and `--seed` give the same bytes (a splitmix64 PRNG, no
//! crates, no hash-map iteration order). The site is valid by construction
//! per the content format: every id matches `[a-z0-9][a-z0-9-]*`, published
//! pages link only to published digests and quotes, every quote `cite`
//! names a citation of its digest, embeds stand alone in their paragraph.
//!
//! Shape (as `shared/bench/gen_corpus.py`): N digests in
//! `content/digests/YYYY/MM/`, about N/10 actors (at least 20), N/50 sources
//! (at least 10), N/200 stories (at least 3), N/40 tags (at least 30); each
//! digest 400-900 words with headings, lists, occasional fenced code, 2-6
//! actors, 1-4 citations, 1-4 quotes, 1-3 tags (some accented or
//! capitalised), about 1% drafts. Bodies use every reference kind:
//! `actor:`, `source:`, `story:`, `digest:` (earlier published digests),
//! `quote:`, `cite:` and `![](quote:…)` embeds.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const FUNC: &[&str] = &[
    "il", "la", "lo", "i", "gli", "le", "un", "una", "di", "del", "della", "dei", "degli", "delle",
    "a", "al", "alla", "ai", "da", "dal", "dalla", "in", "nel", "nella", "nei", "con", "su", "sul",
    "sulla", "per", "tra", "fra", "e", "e", "e", "o", "ma", "che", "che", "non", "anche", "come",
    "più", "dopo", "prima", "mentre", "quando", "dove", "perché", "però", "quindi", "infatti",
    "ancora", "già", "sempre", "mai", "oggi", "ieri", "domani", "molto", "poco", "tutto", "ogni",
    "questo", "quello", "quella", "questa", "secondo", "contro", "verso", "senza", "sotto",
    "sopra", "oltre", "circa",
];
const CONTENT: &[&str] = &[
    "governo",
    "ministro",
    "accordo",
    "guerra",
    "pace",
    "confine",
    "esercito",
    "presidente",
    "parlamento",
    "elezioni",
    "crisi",
    "energia",
    "gas",
    "petrolio",
    "prezzo",
    "mercato",
    "sanzioni",
    "alleati",
    "negoziato",
    "vertice",
    "dichiarazione",
    "conferenza",
    "stampa",
    "fonti",
    "analisti",
    "rapporto",
    "settimana",
    "giorno",
    "mese",
    "anno",
    "città",
    "regione",
    "paese",
    "popolazione",
    "economia",
    "inflazione",
    "banca",
    "tassi",
    "debito",
    "bilancio",
    "riforma",
    "legge",
    "decreto",
    "tribunale",
    "giudice",
    "indagine",
    "polizia",
    "sicurezza",
    "difesa",
    "missili",
    "droni",
    "attacco",
    "offensiva",
    "fronte",
    "linea",
    "villaggio",
    "porto",
    "ponte",
    "ferrovia",
    "aeroporto",
    "frontiera",
    "rifugiati",
    "aiuti",
    "corridoio",
    "tregua",
    "diplomazia",
    "ambasciata",
    "delegazione",
    "incontro",
    "colloquio",
    "telefonata",
    "messaggio",
    "discorso",
    "intervista",
    "giornale",
    "agenzia",
    "notizia",
    "smentita",
    "conferma",
    "ipotesi",
    "scenario",
    "rischio",
    "minaccia",
    "pressione",
    "sostegno",
    "opposizione",
    "maggioranza",
    "coalizione",
    "partito",
    "leader",
    "segretario",
    "portavoce",
    "consiglio",
    "commissione",
    "unione",
    "alleanza",
    "occidente",
    "oriente",
    "cooperazione",
    "armamenti",
    "munizioni",
    "addestramento",
    "manovre",
    "esercitazione",
    "satellite",
    "immagini",
    "mappa",
    "territorio",
    "controllo",
    "avanzata",
    "ritirata",
    "perdite",
    "vittime",
    "civili",
    "infrastrutture",
    "centrale",
    "rete",
    "inverno",
    "raccolto",
    "grano",
    "esportazioni",
    "importazioni",
    "dazi",
    "tariffe",
    "investimenti",
    "fondi",
    "pacchetto",
    "proposta",
    "votazione",
    "mozione",
    "emendamento",
    "sondaggio",
    "campagna",
    "candidato",
    "elettori",
    "affluenza",
    "risultato",
    "spoglio",
    "seggio",
    "protesta",
    "piazza",
    "manifestanti",
    "arresti",
    "censura",
    "giornalisti",
    "propaganda",
    "disinformazione",
    "social",
    "canale",
    "video",
    "comunicato",
    "nota",
    "documento",
    "strategia",
    "obiettivo",
    "piano",
    "fase",
    "calendario",
    "scadenza",
    "ultimatum",
];
const ADJ: &[&str] = &[
    "nuovo",
    "grande",
    "piccolo",
    "importante",
    "possibile",
    "difficile",
    "ultimo",
    "primo",
    "politico",
    "militare",
    "economico",
    "sociale",
    "internazionale",
    "nazionale",
    "locale",
    "russo",
    "ucraino",
    "bielorusso",
    "americano",
    "europeo",
    "cinese",
    "italiano",
    "tedesco",
    "francese",
    "britannico",
    "turco",
    "polacco",
    "diplomatico",
    "strategico",
    "tattico",
    "energetico",
    "umanitario",
    "pubblico",
    "ufficiale",
    "segreto",
    "lungo",
    "breve",
    "improbabile",
    "decisivo",
    "fragile",
    "solido",
    "congiunto",
    "reciproco",
    "bilaterale",
];
const VERB: &[&str] = &[
    "è",
    "sono",
    "ha",
    "hanno",
    "era",
    "sarà",
    "potrebbe",
    "deve",
    "vuole",
    "dice",
    "afferma",
    "sostiene",
    "spiega",
    "ricorda",
    "aggiunge",
    "annuncia",
    "chiede",
    "propone",
    "respinge",
    "accusa",
    "teme",
    "prevede",
    "conferma",
    "smentisce",
    "minaccia",
    "promette",
    "valuta",
    "osserva",
    "sottolinea",
    "denuncia",
    "rivendica",
    "nega",
    "ammette",
    "continua",
    "rimane",
    "resta",
    "appare",
    "sembra",
];
const CYRILLIC: &[&str] = &[
    "россия",
    "может",
    "обойтись",
    "без",
    "нас",
    "мы",
    "нет",
    "война",
    "мир",
    "переговоры",
    "президент",
    "армия",
    "граница",
    "сегодня",
    "будет",
    "наша",
    "страна",
    "народ",
    "газ",
    "санкции",
    "союз",
    "безопасность",
    "независимость",
    "вместе",
    "никогда",
];
const ENGLISH: &[&str] = &[
    "the",
    "war",
    "will",
    "not",
    "end",
    "until",
    "we",
    "are",
    "ready",
    "to",
    "talk",
    "about",
    "security",
    "guarantees",
    "for",
    "our",
    "people",
    "and",
    "our",
    "partners",
    "this",
    "is",
    "a",
    "decision",
    "for",
    "the",
    "alliance",
    "we",
    "will",
    "continue",
    "to",
    "support",
    "the",
    "government",
    "as",
    "long",
    "as",
    "it",
    "takes",
];
const FIRST: &[&str] = &[
    "Marco",
    "Giulia",
    "Ivan",
    "Olena",
    "Sergei",
    "Anna",
    "John",
    "Maria",
    "Pavel",
    "Katya",
    "Luca",
    "Sofia",
    "Dmitri",
    "Elena",
    "Andrii",
    "Natalia",
    "Paolo",
    "Chiara",
    "Viktor",
    "Irina",
    "Hans",
    "Claire",
    "Ahmed",
    "Leila",
    "Tomasz",
    "Agnieszka",
    "Nicolò",
    "Šimon",
    "Zoë",
    "Jürgen",
    "Ingrid",
    "Mehmet",
    "Ayşe",
    "Li",
    "Wei",
    "Kenji",
    "Yuki",
    "Oleksandr",
    "Svetlana",
    "Ramzan",
    "Aleksandr",
    "Yevgeny",
    "Mikhail",
    "Olaf",
    "Emmanuel",
    "Ursula",
    "Josep",
    "Antonio",
    "Giorgia",
    "Mario",
    "Sergio",
    "Roberta",
    "Kaja",
    "Jens",
    "Volodymyr",
    "Dmytro",
    "Denys",
    "Tatiana",
];
const LAST: &[&str] = &[
    "Rossi",
    "Bianchi",
    "Kovalenko",
    "Petrov",
    "Ivanova",
    "Smith",
    "Müller",
    "Dubois",
    "Novak",
    "Horvat",
    "Yilmaz",
    "Kowalski",
    "Nowak",
    "Sokolov",
    "Volkov",
    "Morozov",
    "Lebedev",
    "Shevchenko",
    "Bondarenko",
    "Tkachenko",
    "Ferrari",
    "Esposito",
    "Romano",
    "Colombo",
    "Ricci",
    "Marino",
    "Greco",
    "Bruno",
    "Gallo",
    "Conti",
    "Fischer",
    "Schneider",
    "Weber",
    "Moreau",
    "Laurent",
    "Garcia",
    "Martinez",
    "Lopez",
    "Andersen",
    "Nielsen",
    "Virtanen",
    "Korhonen",
    "Popescu",
    "Ionescu",
    "Papadopoulos",
    "Nagy",
    "Kovács",
    "Dvořák",
    "Svoboda",
    "Łukaszewski",
    "Zelenko",
    "Kadyrov",
    "Peskov",
    "Lavrov",
    "Shoigu",
    "Prigozhin",
    "Reznikov",
    "Kuleba",
    "Stoltenberg",
];
const COUNTRIES: &[&str] = &[
    "Russia",
    "Ucraina",
    "Bielorussia",
    "Polonia",
    "Lituania",
    "Lettonia",
    "Estonia",
    "Finlandia",
    "Svezia",
    "Norvegia",
    "Germania",
    "Francia",
    "Italia",
    "Spagna",
    "Portogallo",
    "Regno-Unito",
    "Irlanda",
    "Turchia",
    "Georgia",
    "Armenia",
    "Azerbaigian",
    "Kazakistan",
    "Cina",
    "Giappone",
    "Corea-del-Sud",
    "India",
    "Iran",
    "Israele",
    "Egitto",
    "Stati-Uniti",
    "Canada",
    "Messico",
    "Brasile",
    "Argentina",
    "Moldavia",
    "Romania",
    "Ungheria",
    "Slovacchia",
    "Cechia",
    "Austria",
    "Serbia",
    "Croazia",
    "Bulgaria",
    "Grecia",
];
const CITIES: &[&str] = &[
    "Minsk",
    "Kiev",
    "Mosca",
    "Varsavia",
    "Vilnius",
    "Riga",
    "Tallinn",
    "Helsinki",
    "Berlino",
    "Parigi",
    "Roma",
    "Madrid",
    "Londra",
    "Ankara",
    "Tbilisi",
    "Erevan",
    "Baku",
    "Pechino",
    "Tokyo",
    "Teheran",
    "Washington",
    "Bruxelles",
    "Kharkiv",
    "Odessa",
    "Kherson",
    "Mariupol",
    "Bakhmut",
    "Zaporizhzhia",
    "Donetsk",
    "Luhansk",
    "Sebastopoli",
    "Chisinau",
    "Bucarest",
    "Budapest",
    "Belgrado",
    "Sofia",
    "Atene",
    "Vienna",
    "Praga",
];
const ORG_PREFIX: &[&str] = &[
    "Ministero della Difesa di",
    "Partito Popolare di",
    "Consiglio di Sicurezza di",
    "Banca Centrale di",
    "Guardia Nazionale di",
    "Servizio di Intelligence di",
    "Commissione Elettorale di",
    "Agenzia Spaziale di",
    "Procura Generale di",
];
const GROUP_NAMES: &[&str] = &[
    "Wagner",
    "Azov",
    "Cyber Partisans",
    "Legione Libertà",
    "Fronte Popolare",
    "Brigata Kastus",
    "Battaglione Sud",
    "Comitato Madri",
    "Rete Verità",
];
const TAG_WORDS: &[&str] = &[
    "nato",
    "energia",
    "gas",
    "sanzioni",
    "diplomazia",
    "difesa",
    "elezioni",
    "propaganda",
    "economia",
    "armi",
    "nucleare",
    "grano",
    "rifugiati",
    "intelligence",
    "droni",
    "cyber",
    "diritti",
    "censura",
    "alleanze",
    "confini",
    "petrolio",
    "inflazione",
    "tregua",
    "crimini",
    "processi",
];
const AUTHORS: &[&str] = &[
    "Ida Artiaco",
    "Marco Rossi",
    "Giulia Conti",
    "Paolo Greco",
    "Anna Kovalenko",
    "Luca Ferrari",
    "Sofia Marino",
    "Elena Bruno",
    "Chiara Gallo",
    "Davide Romano",
    "Francesca Ricci",
    "Matteo Colombo",
    "Sara Esposito",
    "Andrea Fischer",
    "Irina Sokolova",
    "Tomasz Nowak",
];

const SOURCE_PATTERNS: &[(&str, &str)] = &[
    ("Il Corriere di {c}", "newspaper"),
    ("{c} Times", "newspaper"),
    ("La Gazzetta di {c}", "newspaper"),
    ("Agenzia {w}", "agency"),
    ("{w} News Agency", "agency"),
    ("Radio {c}", "broadcaster"),
    ("{c} Broadcasting", "broadcaster"),
    ("Istituto {w} per gli Studi Strategici", "think-tank"),
    ("Centro {w} di Analisi", "think-tank"),
    ("Governo di {k}", "government"),
    ("Canale Telegram {w}", "social"),
    ("Osservatorio {w}", "other"),
];

const STORY_PATTERNS: &[&str] = &[
    "Guerra in {k}",
    "Crisi energetica in {k}",
    "Elezioni in {k}",
    "Proteste a {c}",
    "Negoziati di {c}",
    "Sanzioni a {k}",
    "Tensioni al confine di {k}",
    "Assedio di {c}",
    "Vertice di {c}",
];

const ROLES: &[&str] = &[
    "Presidente di {k}",
    "Ministro degli Esteri di {k}",
    "Portavoce del governo di {k}",
    "Capo di Stato Maggiore di {k}",
    "Leader dell'opposizione in {k}",
    "Analista militare",
    "Ambasciatore di {k}",
    "Sindaco di {c}",
    "Governatore di {c}",
    "Segretario generale",
    "Comandante",
    "Giornalista",
    "Attivista per i diritti umani",
];

/// Tags written with accents, capitals or in another script: storia slugs
/// them (`Sovranità` → `sovranita`, `Беларусь` → `belarus`).
const SPECIAL_TAGS: &[&str] = &[
    "sovranità",
    "Unione Europea",
    "libertà di stampa",
    "Nazioni Unite",
    "Беларусь",
    "società civile",
    "Mar Nero",
    "sicurezza energetica",
    "Corte penale internazionale",
    "élite",
];

const SALUTES: &[&str] = &[
    "Conferenza stampa",
    "Intervista",
    "Discorso",
    "Dichiarazione",
];

// ---------------------------------------------------------------------------
// randomness

/// splitmix64: tiny, fast, and the same on every platform.
#[derive(Clone)]
struct Rng(u64);

impl Rng {
    /// An independent stream for `(what, i)` under `seed`.
    fn derive(seed: u64, what: &str, i: u64) -> Rng {
        let mut r = Rng(seed ^ fnv1a(what.as_bytes()));
        let a = r.next_u64();
        Rng(a ^ i.wrapping_mul(0xD6E8_FEB8_6659_FD93))
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn word(&mut self, list: &[&'static str]) -> &'static str {
        list[self.below(list.len())]
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// An index drawn with the weights whose running sums are `cum`.
    fn weighted(&mut self, cum: &[f64]) -> usize {
        let x = self.unit() * cum[cum.len() - 1];
        cum.partition_point(|&c| c <= x).min(cum.len() - 1)
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01B3);
    }
    h
}

/// Running sums of Zipf-like weights `1 / (k + 1)^s`.
fn zipf(n: usize, s: f64) -> Vec<f64> {
    let mut total = 0.0;
    (0..n)
        .map(|k| {
            total += 1.0 / ((k + 1) as f64).powf(s);
            total
        })
        .collect()
}

// ---------------------------------------------------------------------------
// text helpers

/// Folds the Latin letters of our word lists to ASCII; drops anything else.
fn fold_char(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' | 'ą' => "a",
        'è' | 'é' | 'ê' | 'ë' | 'ę' | 'ě' => "e",
        'ì' | 'í' | 'î' | 'ï' => "i",
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'ő' => "o",
        'ù' | 'ú' | 'û' | 'ü' | 'ű' | 'ů' => "u",
        'ç' | 'ć' | 'č' => "c",
        'ñ' | 'ń' | 'ň' => "n",
        'š' | 'ś' | 'ş' => "s",
        'ž' | 'ź' | 'ż' => "z",
        'ř' => "r",
        'ł' => "l",
        'ý' | 'ÿ' => "y",
        'đ' | 'ď' => "d",
        'ğ' => "g",
        'ț' | 'ţ' | 'ť' => "t",
        'ß' => "ss",
        _ => return None,
    })
}

/// An id: lower-case ASCII letters and digits, runs of anything else one `-`.
fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        let piece = if c.is_ascii_alphanumeric() {
            Some(c.encode_utf8(&mut [0; 4]).to_string())
        } else {
            fold_char(c).map(str::to_string)
        };
        match piece {
            Some(p) => {
                if dash && !out.is_empty() {
                    out.push('-');
                }
                dash = false;
                out.push_str(&p);
            }
            None => dash = true,
        }
    }
    out
}

/// `base`, or `base-2`, `base-3`… whichever is not taken yet.
fn unique(base: &str, taken: &mut HashSet<String>) -> String {
    let mut candidate = base.to_string();
    let mut k = 2;
    while taken.contains(&candidate) {
        candidate = format!("{base}-{k}");
        k += 1;
    }
    taken.insert(candidate.clone());
    candidate
}

/// At most `n` bytes of an ASCII id, without a trailing `-`.
fn prefix(id: &str, n: usize) -> &str {
    id[..id.len().min(n)].trim_end_matches('-')
}

/// Upper-cases the first letter, after any leading Markdown (`[`, `*`, `` ` ``).
fn capitalize(s: &str) -> String {
    let at = s
        .find(|c: char| !matches!(c, '[' | '*' | '`'))
        .unwrap_or(s.len());
    let mut chars = s[at..].chars();
    match chars.next() {
        Some(c) => {
            let mut out = String::with_capacity(s.len() + 2);
            out.push_str(&s[..at]);
            out.extend(c.to_uppercase());
            out.push_str(chars.as_str());
            out
        }
        None => s.to_string(),
    }
}

/// A YAML double-quoted string.
fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

fn flow(items: &[String]) -> String {
    format!(
        "[{}]",
        items.iter().map(|s| q(s)).collect::<Vec<_>>().join(", ")
    )
}

/// Percent-encodes what is not plain ASCII in a URL path.
fn url_path(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn words(rng: &mut Rng, lo: usize, hi: usize) -> Vec<String> {
    let n = rng.range(lo, hi);
    (0..n)
        .map(|_| {
            let r = rng.unit();
            let list = if r < 0.40 {
                FUNC
            } else if r < 0.75 {
                CONTENT
            } else if r < 0.88 {
                ADJ
            } else if r < 0.97 {
                VERB
            } else {
                CITIES
            };
            rng.pick(list).to_string()
        })
        .collect()
}

fn sentence_from(rng: &mut Rng, list: &[&str], lo: usize, hi: usize) -> String {
    let n = rng.range(lo, hi);
    let ws: Vec<&str> = (0..n).map(|_| *rng.pick(list)).collect();
    capitalize(&ws.join(" ")) + "."
}

fn sentence(rng: &mut Rng, lo: usize, hi: usize) -> String {
    capitalize(&words(rng, lo, hi).join(" ")) + "."
}

// ---------------------------------------------------------------------------
// dates (proleptic Gregorian, days since 1970-01-01)

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn day(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// A moment in minutes since the epoch, written with a `+01:00` offset.
fn moment(minutes: i64) -> String {
    let days = minutes.div_euclid(1440);
    let rest = minutes.rem_euclid(1440);
    format!("{}T{:02}:{:02}:00+01:00", day(days), rest / 60, rest % 60)
}

// ---------------------------------------------------------------------------
// the model

struct Actor {
    id: String,
    name: String,
    kind: &'static str,
    role: Option<String>,
    aliases: Vec<String>,
    wikidata: Option<String>,
    wikipedia: Option<String>,
}

struct Source {
    id: String,
    name: String,
    kind: &'static str,
    url: String,
    lang: &'static str,
}

struct Story {
    id: String,
    title: String,
    started: i64,
}

struct Tag {
    /// The usual spelling.
    name: String,
}

struct Citation {
    id: String,
    source: Option<usize>,
    title: Option<String>,
    url: String,
    published: i64,
    archived: Option<String>,
}

struct Quote {
    id: String,
    /// An actor or source id.
    by: String,
    text: String,
    original: Option<(String, &'static str)>,
    said: Option<i64>,
    context: Option<String>,
    cite: Option<usize>,
}

struct Digest {
    i: usize,
    id: String,
    title: String,
    /// Minutes since the epoch.
    when: i64,
    with_time: bool,
    updated: Option<i64>,
    draft: bool,
    actors: Vec<usize>,
    stories: Vec<usize>,
    /// Tag spellings as written in this digest.
    tags: Vec<String>,
    authors: Vec<&'static str>,
    summary: bool,
    lang: Option<&'static str>,
    extra: bool,
    image: bool,
    citations: Vec<Citation>,
    quotes: Vec<Quote>,
    words: usize,
}

struct Corpus {
    seed: u64,
    seed_text: String,
    n: usize,
    actors: Vec<Actor>,
    actor_cum: Vec<f64>,
    sources: Vec<Source>,
    stories: Vec<Story>,
    story_cum: Vec<f64>,
    tags: Vec<Tag>,
    tag_cum: Vec<f64>,
    digests: Vec<Digest>,
    /// Indices into `digests` of the published ones, oldest first.
    published: Vec<usize>,
    /// Position of each digest in `published` (`usize::MAX` for drafts).
    pub_pos: Vec<usize>,
}

impl Corpus {
    fn new(n: usize, seed_text: &str) -> Corpus {
        let seed = fnv1a(seed_text.as_bytes());
        let mut c = Corpus {
            seed,
            seed_text: seed_text.to_string(),
            n,
            actors: Vec::new(),
            actor_cum: Vec::new(),
            sources: Vec::new(),
            stories: Vec::new(),
            story_cum: Vec::new(),
            tags: Vec::new(),
            tag_cum: Vec::new(),
            digests: Vec::new(),
            published: Vec::new(),
            pub_pos: Vec::new(),
        };
        let mut rng = Rng::derive(seed, "entities", 0);
        c.make_actors(&mut rng, (n / 10).max(20));
        c.make_sources(&mut rng, (n / 50).max(10));
        c.make_stories(&mut rng, (n / 200).max(3));
        c.make_tags(&mut rng, (n / 40).max(30));
        c.make_digests();
        c
    }

    fn make_actors(&mut self, rng: &mut Rng, count: usize) {
        let mut taken = HashSet::new();
        let mut countries: Vec<&str> = COUNTRIES.to_vec();
        // Fisher-Yates
        for i in (1..countries.len()).rev() {
            countries.swap(i, rng.below(i + 1));
        }
        let place = |rng: &mut Rng, pattern: &str| {
            pattern
                .replace("{k}", &rng.word(COUNTRIES).replace('-', " "))
                .replace("{c}", rng.word(CITIES))
        };
        for _ in 0..count {
            let r = rng.unit();
            let (kind, name) = if r < 0.10 && !countries.is_empty() {
                (
                    "country",
                    countries.pop().unwrap_or("Italia").replace('-', " "),
                )
            } else if r < 0.22 {
                let org = rng.word(ORG_PREFIX);
                (
                    "organization",
                    format!("{org} {}", rng.word(COUNTRIES).replace('-', " ")),
                )
            } else if r < 0.27 {
                let g = rng.word(GROUP_NAMES);
                ("group", format!("{g} {}", rng.word(CITIES)))
            } else {
                let first = rng.word(FIRST);
                ("person", format!("{first} {}", rng.word(LAST)))
            };
            let id = unique(&slug(&name), &mut taken);
            let role = (kind == "person" || rng.chance(0.5)).then(|| {
                let pattern = rng.word(ROLES);
                place(rng, pattern)
            });
            let aliases = if kind == "person" && rng.chance(0.4) {
                let (first, last) = name.split_once(' ').unwrap_or((&name, &name));
                let initial: String = first.chars().take(1).collect();
                vec![format!("{initial}. {last}"), last.to_string()]
            } else {
                Vec::new()
            };
            let wikidata = rng
                .chance(0.6)
                .then(|| format!("Q{}", rng.range(1000, 99_999_999)));
            let wikipedia = rng.chance(0.5).then(|| {
                format!(
                    "https://it.wikipedia.org/wiki/{}",
                    url_path(&name.replace(' ', "_"))
                )
            });
            self.actors.push(Actor {
                id,
                name,
                kind,
                role,
                aliases,
                wikidata,
                wikipedia,
            });
        }
        self.actor_cum = zipf(count, 0.6);
    }

    fn make_sources(&mut self, rng: &mut Rng, count: usize) {
        // Actors and sources share one namespace.
        let mut taken: HashSet<String> = self.actors.iter().map(|a| a.id.clone()).collect();
        for i in 0..count {
            let (pattern, kind) = SOURCE_PATTERNS[i % SOURCE_PATTERNS.len()];
            let name = pattern
                .replace("{c}", rng.word(CITIES))
                .replace("{w}", &capitalize(rng.word(CONTENT)))
                .replace("{k}", &rng.word(COUNTRIES).replace('-', " "));
            let id = unique(&slug(&name), &mut taken);
            let url = format!("https://www.{}.com", id.replace('-', ""));
            let lang = *rng.pick(&["it", "it", "en", "ru", "uk", "de"]);
            self.sources.push(Source {
                id,
                name,
                kind,
                url,
                lang,
            });
        }
    }

    fn make_stories(&mut self, rng: &mut Rng, count: usize) {
        let mut taken = HashSet::new();
        let base = days_from_civil(2024, 12, 31) - (self.n as i64 / 4 + 700).max(700);
        for _ in 0..count {
            let title = rng
                .word(STORY_PATTERNS)
                .replace("{k}", &rng.word(COUNTRIES).replace('-', " "))
                .replace("{c}", rng.word(CITIES));
            let id = unique(&slug(&title), &mut taken);
            let started = base + rng.range(0, 700) as i64;
            self.stories.push(Story { id, title, started });
        }
        self.story_cum = zipf(count, 0.5);
    }

    fn make_tags(&mut self, rng: &mut Rng, count: usize) {
        let mut seen = HashSet::new();
        let mut names: Vec<String> = Vec::new();
        let candidates = SPECIAL_TAGS
            .iter()
            .map(|s| s.to_string())
            .chain(TAG_WORDS.iter().map(|s| s.to_string()))
            .chain(CITIES.iter().map(|c| c.to_lowercase()))
            .chain(TAG_WORDS.iter().flat_map(|w| {
                CITIES
                    .iter()
                    .map(move |c| format!("{w} {}", c.to_lowercase()))
            }));
        for t in candidates {
            if names.len() >= count {
                break;
            }
            // Cyrillic folds to nothing here: key it by the text itself.
            let key = match slug(&t) {
                s if s.is_empty() => t.clone(),
                s => s,
            };
            if seen.insert(key) {
                names.push(t);
            }
        }
        let mut k = 0;
        while names.len() < count {
            k += 1;
            names.push(format!("tema {k}"));
        }
        for i in (1..names.len()).rev() {
            names.swap(i, rng.below(i + 1));
        }
        self.tags = names.into_iter().map(|name| Tag { name }).collect();
        self.tag_cum = zipf(count, 0.7);
    }

    /// How a digest writes a tag: mostly as usual, sometimes capitalised,
    /// short ones sometimes in capitals (`NATO`), so spellings vary.
    fn spell_tag(&self, rng: &mut Rng, t: usize) -> String {
        let name = &self.tags[t].name;
        let r = rng.unit();
        if r < 0.75 {
            name.clone()
        } else if r < 0.92 {
            capitalize(name)
        } else if name.chars().count() <= 4 {
            name.to_uppercase()
        } else {
            name.clone()
        }
    }

    fn make_digests(&mut self) {
        let n = self.n;
        let coverage = self
            .actors
            .len()
            .max(self.stories.len())
            .max(self.tags.len());
        let end = days_from_civil(2024, 12, 31) * 1440 + 7 * 60;
        let step = 360; // about four digests a day
        let start = end - (n as i64) * step;
        let mut taken = HashSet::new();
        for i in 0..n {
            let mut rng = Rng::derive(self.seed, "digest", i as u64);
            let when = start + i as i64 * step + rng.range(0, 300) as i64;
            let with_time = rng.chance(0.1);
            let draft = i >= coverage && rng.chance(0.01);
            let k = rng.range(2, 6);
            let mut actors = Vec::with_capacity(k);
            if i < self.actors.len() {
                actors.push(i);
            }
            while actors.len() < k {
                let a = rng.weighted(&self.actor_cum);
                if !actors.contains(&a) {
                    actors.push(a);
                }
            }
            let mut stories = if i < self.stories.len() {
                vec![i]
            } else if draft && rng.chance(0.3) {
                Vec::new() // a draft not yet filed under a story
            } else {
                vec![rng.weighted(&self.story_cum)]
            };
            if !stories.is_empty() && rng.chance(0.05) {
                let s = rng.weighted(&self.story_cum);
                if !stories.contains(&s) {
                    stories.push(s);
                }
            }
            let mut tag_ix = Vec::new();
            if i < self.tags.len() {
                tag_ix.push(i);
            }
            let want = rng.range(1, 3);
            while tag_ix.len() < want {
                let t = rng.weighted(&self.tag_cum);
                if tag_ix.contains(&t) {
                    break;
                }
                tag_ix.push(t);
            }
            let tags: Vec<String> = tag_ix
                .iter()
                .map(|&t| self.spell_tag(&mut rng, t))
                .collect();
            let title = self.title(&mut rng, &actors);
            let day_text = day(when.div_euclid(1440));
            let title_words: Vec<&str> = title.split_whitespace().take(4).collect();
            let id = unique(
                &format!("{day_text}-{}", prefix(&slug(&title_words.join(" ")), 40)),
                &mut taken,
            );
            let authors = if rng.chance(0.8) {
                let a = rng.word(AUTHORS);
                let mut list = vec![a];
                if rng.chance(0.3) {
                    let b = rng.word(AUTHORS);
                    if b != a {
                        list.push(b);
                    }
                }
                list
            } else {
                Vec::new()
            };
            let updated = rng
                .chance(0.15)
                .then(|| when + 60 * rng.range(2, 60) as i64);
            let summary = rng.chance(0.5);
            let lang = rng.chance(0.02).then_some("en");
            let extra = rng.chance(0.05);
            let image = rng.chance(0.05);
            let citations = self.citations(&mut rng, when.div_euclid(1440));
            let quotes = self.quotes(&mut rng, i, &actors, &citations, when.div_euclid(1440));
            let words = rng.range(380, 850);
            self.digests.push(Digest {
                i,
                id,
                title,
                when,
                with_time,
                updated,
                draft,
                actors,
                stories,
                tags,
                authors,
                summary,
                lang,
                extra,
                image,
                citations,
                quotes,
                words,
            });
        }
        self.pub_pos = vec![usize::MAX; n];
        for (i, d) in self.digests.iter().enumerate() {
            if !d.draft {
                self.pub_pos[i] = self.published.len();
                self.published.push(i);
            }
        }
    }

    fn title(&self, rng: &mut Rng, actors: &[usize]) -> String {
        let a = &self.actors[actors[0]].name;
        let b = &self.actors[actors[1]].name;
        let v = rng.word(VERB);
        let n = rng.word(CONTENT);
        let adj = rng.word(ADJ);
        let c = rng.word(CITIES);
        let t = match rng.below(6) {
            0 => format!("Perché {a} non {v} {n} {adj}"),
            1 => format!("{a} e {b}: {n} {adj} a {c}"),
            2 => format!("Cosa {v} {a} sul {n} {adj}"),
            3 => format!("{n} {adj}, {a} {v} {b}"),
            4 => format!("{c}, il {n} tra {a} e {b}"),
            _ => format!("Il {n} {adj} di {a}"),
        };
        capitalize(&t)
    }

    fn citations(&self, rng: &mut Rng, day_n: i64) -> Vec<Citation> {
        let mut taken = HashSet::new();
        (0..rng.range(1, 4))
            .map(|_| {
                let s = rng.below(self.sources.len());
                let src = &self.sources[s];
                let published = day_n - rng.range(0, 2) as i64;
                let id = unique(
                    &format!("{}-{}", prefix(&src.id, 24), day(published)),
                    &mut taken,
                );
                let ws: Vec<&str> = (0..rng.range(3, 6)).map(|_| rng.word(CONTENT)).collect();
                let (y, m, _) = civil_from_days(published);
                let url = format!("{}/{y}/{m:02}/{}", src.url, url_path(&ws.join("-")));
                let archived = rng.chance(0.2).then(|| {
                    format!(
                        "https://web.archive.org/web/{}000000/{url}",
                        day(published).replace('-', "")
                    )
                });
                let source = (!rng.chance(0.1)).then_some(s);
                // Some citations have no title: storia shows the outlet or the host.
                let title = (!rng.chance(0.1)).then(|| capitalize(&ws.join(" ")));
                Citation {
                    id,
                    source,
                    title,
                    url,
                    published,
                    archived,
                }
            })
            .collect()
    }

    fn quotes(
        &self,
        rng: &mut Rng,
        i: usize,
        actors: &[usize],
        citations: &[Citation],
        day_n: i64,
    ) -> Vec<Quote> {
        let mut taken = HashSet::new();
        (0..rng.range(1, 4))
            .map(|_| {
                let by = if rng.chance(0.1) {
                    self.sources[rng.below(self.sources.len())].id.clone()
                } else {
                    self.actors[*rng.pick(actors)].id.clone()
                };
                let word = slug(rng.word(CONTENT));
                let id = unique(&format!("{}-{word}-{i}", prefix(&by, 20)), &mut taken);
                let text = sentence(rng, 10, 28);
                let r = rng.unit();
                let original = if r < 0.2 {
                    Some((sentence_from(rng, CYRILLIC, 8, 20), "ru"))
                } else if r < 0.3 {
                    Some((sentence_from(rng, ENGLISH, 8, 20), "en"))
                } else {
                    None
                };
                let said = rng.chance(0.6).then(|| day_n - rng.range(0, 3) as i64);
                let context = rng
                    .chance(0.5)
                    .then(|| format!("{} a {}", rng.word(SALUTES), rng.word(CITIES)));
                // Every quote names its citation (storia warns about quotes without one).
                let cite = Some(rng.below(citations.len()));
                Quote {
                    id,
                    by,
                    text,
                    original,
                    said,
                    context,
                    cite,
                }
            })
            .collect()
    }

    fn speaker_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.actors
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.name.as_str())
            .or_else(|| {
                self.sources
                    .iter()
                    .find(|s| s.id == id)
                    .map(|s| s.name.as_str())
            })
            .unwrap_or(id)
    }

    // -- bodies -------------------------------------------------------------

    fn digest_body(&self, d: &Digest) -> String {
        let mut b = Body {
            c: self,
            d,
            rng: Rng::derive(self.seed, "body", d.i as u64),
            words: 0,
            mentions: d.actors.clone(),
            pending_cites: (0..d.citations.len()).collect(),
            earlier: if d.draft {
                // A draft may link anything published.
                &self.published[self.published.len().saturating_sub(200)..]
            } else {
                let p = self.pub_pos[d.i];
                &self.published[p.saturating_sub(200)..p]
            },
        };
        if b.rng.chance(0.3) {
            // Somebody mentioned only in the text.
            let extra = b.rng.weighted(&self.actor_cum);
            if !b.mentions.contains(&extra) {
                b.mentions.push(extra);
            }
        }
        let mut blocks = vec![b.paragraph(3, 5)];
        let sections = (d.words / 140).max(2);
        let mut pending_quotes: Vec<(usize, usize)> = (0..d.quotes.len())
            .map(|q| (q, b.rng.below(sections)))
            .collect();
        let code_section = if b.rng.chance(0.15) {
            Some(b.rng.below(2))
        } else {
            None
        };
        let list_sections = match b.rng.below(3) {
            0 => vec![0],
            1 => vec![1],
            _ => vec![0, 1],
        };
        // Sometimes a quote of an earlier digest is embedded too (its card, without the anchor).
        let foreign_embed = if b.rng.chance(0.03) && !b.earlier.is_empty() {
            let o = &self.digests[*b.rng.pick(b.earlier)];
            Some(b.rng.pick(&o.quotes).id.clone())
        } else {
            None
        };
        let mut section = 0;
        loop {
            let level = if section == 0 || b.rng.chance(0.8) {
                "##"
            } else {
                "###"
            };
            let heading = words(&mut b.rng, 3, 7);
            b.words += heading.len();
            blocks.push(format!("{level} {}", capitalize(&heading.join(" "))));
            for _ in 0..b.rng.range(1, 3) {
                blocks.push(b.paragraph(2, 5));
                if b.words >= d.words {
                    break;
                }
            }
            if list_sections.contains(&section) {
                blocks.push(b.list());
            }
            if code_section == Some(section) {
                blocks.push(b.code());
            }
            if section == 1 {
                if let Some(id) = &foreign_embed {
                    blocks.push(format!("![](quote:{id})"));
                }
            }
            pending_quotes.retain(|&(q, s)| {
                if s <= section {
                    blocks.push(format!("![](quote:{})", d.quotes[q].id));
                    false
                } else {
                    true
                }
            });
            section += 1;
            if section >= 2 && b.words >= d.words {
                break;
            }
        }
        for (q, _) in pending_quotes {
            blocks.push(format!("![](quote:{})", d.quotes[q].id));
        }
        if !b.pending_cites.is_empty() {
            let refs: Vec<String> = b
                .pending_cites
                .iter()
                .map(|&c| {
                    format!(
                        "[{}](cite:{})",
                        self.cite_label(&d.citations[c]),
                        d.citations[c].id
                    )
                })
                .collect();
            blocks.push(format!("Altre fonti: {}.", refs.join(", ")));
        }
        let mut out = blocks.join("\n\n");
        out.push('\n');
        out
    }

    fn cite_label(&self, c: &Citation) -> &str {
        c.source.map_or("fonte", |s| self.sources[s].name.as_str())
    }

    /// Description of an actor, source or story; links other entities and,
    /// from stories, published digests.
    fn entity_body(&self, key: &str, lo: usize, hi: usize, digest_links: bool) -> String {
        let mut rng = Rng::derive(self.seed, key, 0);
        let target = rng.range(lo, hi);
        let mut done = 0;
        let mut sentences = Vec::new();
        while done < target {
            let mut ws = words(&mut rng, 8, 20);
            done += ws.len();
            let r = rng.unit();
            let pos = rng.below(ws.len());
            if r < 0.15 {
                let a = &self.actors[rng.below(self.actors.len())];
                ws.insert(pos, format!("[{}](actor:{})", a.name, a.id));
            } else if r < 0.20 {
                let s = &self.sources[rng.below(self.sources.len())];
                ws.insert(pos, format!("[{}](source:{})", s.name, s.id));
            } else if r < 0.23 {
                let s = &self.stories[rng.below(self.stories.len())];
                ws.insert(pos, format!("[{}](story:{})", s.title, s.id));
            } else if r < 0.28 && digest_links && !self.published.is_empty() {
                let d = &self.digests[*rng.pick(&self.published)];
                ws.insert(pos, format!("[un digest](digest:{})", d.id));
            }
            sentences.push(capitalize(&ws.join(" ")) + ".");
        }
        let paragraphs: Vec<String> = sentences.chunks(4).map(|c| c.join(" ")).collect();
        paragraphs.join("\n\n") + "\n"
    }
}

/// Writing one digest's body.
struct Body<'a> {
    c: &'a Corpus,
    d: &'a Digest,
    rng: Rng,
    words: usize,
    mentions: Vec<usize>,
    pending_cites: Vec<usize>,
    /// Published digests before this one (at most 200): what `digest:` and
    /// foreign `quote:` links may name.
    earlier: &'a [usize],
}

impl Body<'_> {
    /// Words with at most one piece of inline markup or one reference.
    fn inline(&mut self, mut ws: Vec<String>) -> Vec<String> {
        let (c, d) = (self.c, self.d);
        let r = self.rng.unit();
        let pos = self.rng.below(ws.len());
        if r < 0.20 {
            let a = if self.words == 0 {
                self.mentions[0]
            } else {
                *self.rng.pick(&self.mentions)
            };
            let a = &c.actors[a];
            ws.insert(pos, format!("[{}](actor:{})", a.name, a.id));
        } else if r < 0.32 {
            let n = if self.pending_cites.is_empty() {
                self.rng.below(d.citations.len())
            } else {
                self.pending_cites.remove(0)
            };
            let cite = &d.citations[n];
            ws.insert(
                pos,
                format!("secondo [{}](cite:{})", c.cite_label(cite), cite.id),
            );
        } else if r < 0.40 {
            ws[pos] = format!("**{}**", ws[pos]);
        } else if r < 0.48 {
            ws[pos] = format!("*{}*", ws[pos]);
        } else if r < 0.52 {
            let w = slug(self.rng.word(CONTENT));
            ws[pos] = format!(
                "[{}](https://www.example.com/{w}/{})",
                ws[pos],
                self.rng.range(1, 9999)
            );
        } else if r < 0.54 && !d.stories.is_empty() {
            let s = &c.stories[*self.rng.pick(&d.stories)];
            ws.insert(pos, format!("[la storia](story:{})", s.id));
        } else if r < 0.56 && !self.earlier.is_empty() {
            let o = &c.digests[*self.rng.pick(self.earlier)];
            ws.insert(pos, format!("[un digest precedente](digest:{})", o.id));
        } else if r < 0.58 {
            let s = &c.sources[self.rng.below(c.sources.len())];
            ws.insert(pos, format!("[{}](source:{})", s.name, s.id));
        } else if r < 0.60 {
            let q = &self.rng.pick(&d.quotes).id;
            ws.insert(pos, format!("[ha detto](quote:{q})"));
        } else if r < 0.605 && !self.earlier.is_empty() {
            let o = &c.digests[*self.rng.pick(self.earlier)];
            let q = &self.rng.pick(&o.quotes).id;
            ws.insert(pos, format!("[come aveva detto](quote:{q})"));
        } else if r < 0.625 {
            ws[pos] = format!("`{}`", ws[pos]);
        }
        ws
    }

    fn paragraph(&mut self, lo: usize, hi: usize) -> String {
        let n = self.rng.range(lo, hi);
        let mut sentences = Vec::with_capacity(n);
        for _ in 0..n {
            let ws = words(&mut self.rng, 8, 22);
            let ws = self.inline(ws);
            let s = ws.join(" ");
            self.words += s.split_whitespace().count();
            let end = *self.rng.pick(&[".", ".", ".", ".", ".", "?", "!"]);
            sentences.push(capitalize(&s) + end);
        }
        sentences.join(" ")
    }

    fn list(&mut self) -> String {
        let ordered = self.rng.chance(0.3);
        let n = self.rng.range(3, 5);
        let mut items = Vec::with_capacity(n);
        for k in 0..n {
            let ws = words(&mut self.rng, 4, 12);
            let ws = self.inline(ws);
            let s = ws.join(" ");
            self.words += s.split_whitespace().count();
            items.push(if ordered {
                format!("{}. {s}", k + 1)
            } else {
                format!("- {s}")
            });
        }
        items.join("\n")
    }

    fn code(&mut self) -> String {
        let d = self.d;
        let rng = &mut self.rng;
        if rng.chance(0.5) {
            let actors: Vec<String> = d
                .actors
                .iter()
                .take(3)
                .map(|&a| format!("\"{}\"", self.c.actors[a].id))
                .collect();
            format!(
                "```json\n{{\n  \"evento\": \"{}\",\n  \"data\": \"{}\",\n  \"attori\": [{}],\n  \"valore\": {},\n  \"confermato\": {},\n  \"dettagli\": {{\n    \"luogo\": \"{}\",\n    \"fonti\": {}\n  }}\n}}\n```",
                rng.word(CONTENT),
                day(d.when.div_euclid(1440)),
                actors.join(", "),
                rng.range(1, 100_000),
                rng.chance(0.5),
                rng.word(CITIES),
                d.citations.len()
            )
        } else {
            let w1 = slug(rng.word(CONTENT)).replace('-', "_");
            let w2 = slug(rng.word(CONTENT)).replace('-', "_");
            let nums: Vec<String> = (0..rng.range(3, 7))
                .map(|_| rng.range(1, 500).to_string())
                .collect();
            format!(
                "```python\ndef media_{w1}(valori):\n    \"\"\"Media dei valori di {w1}.\"\"\"\n    if not valori:\n        return 0.0\n    return sum(valori) / len(valori)\n\n\n{w2} = [{}]\nprint(f\"{w2}: {{media_{w1}({w2}):.2f}}\")\n```",
                nums.join(", ")
            )
        }
    }
}

// ---------------------------------------------------------------------------
// writing

struct Writer {
    root: PathBuf,
    files: usize,
    bytes: u64,
}

impl Writer {
    fn write(&mut self, rel: &str, text: &str) -> std::io::Result<()> {
        let path = self.root.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, text)?;
        self.files += 1;
        self.bytes += text.len() as u64;
        Ok(())
    }
}

fn write_site(c: &Corpus, out: &Path) -> std::io::Result<Writer> {
    let mut w = Writer {
        root: out.to_path_buf(),
        files: 0,
        bytes: 0,
    };
    w.write(
        "site.yaml",
        &format!(
            "title: \"Storia bench\"\nbase_url: \"https://example.org/\"\nlanguage: it\ndescription: \"Synthetic benchmark corpus: {} digests, seed {}\"\ntheme: default\nper_page: 20\nhighlight_theme: base16-ocean.dark\ntimezone: Europe/Rome\nextra: {{}}\n",
            c.n,
            c.seed_text.replace(['"', '\\'], "")
        ),
    )?;
    for a in &c.actors {
        let mut fm = format!("name: {}\nkind: {}\n", q(&a.name), a.kind);
        if let Some(role) = &a.role {
            let _ = writeln!(fm, "role: {}", q(role));
        }
        if !a.aliases.is_empty() {
            let _ = writeln!(fm, "aliases: {}", flow(&a.aliases));
        }
        if let Some(wd) = &a.wikidata {
            let _ = writeln!(fm, "wikidata: {wd}");
        }
        if let Some(link) = &a.wikipedia {
            let _ = writeln!(fm, "links: {{ wikipedia: {} }}", q(link));
        }
        let body = c.entity_body(&format!("actor/{}", a.id), 40, 200, false);
        w.write(
            &format!("content/actors/{}.md", a.id),
            &format!("---\n{fm}---\n{body}"),
        )?;
    }
    for s in &c.sources {
        let fm = format!(
            "name: {}\nkind: {}\nurl: {}\nlang: {}\n",
            q(&s.name),
            s.kind,
            s.url,
            s.lang
        );
        let body = c.entity_body(&format!("source/{}", s.id), 30, 120, false);
        w.write(
            &format!("content/sources/{}.md", s.id),
            &format!("---\n{fm}---\n{body}"),
        )?;
    }
    for s in &c.stories {
        let mut rng = Rng::derive(c.seed, &format!("story/{}", s.id), 1);
        let fm = format!(
            "title: {}\nsummary: {}\nstarted: {}\n",
            q(&s.title),
            q(&sentence(&mut rng, 12, 25)),
            day(s.started)
        );
        let body = c.entity_body(&format!("story/{}", s.id), 60, 200, true);
        w.write(
            &format!("content/stories/{}.md", s.id),
            &format!("---\n{fm}---\n{body}"),
        )?;
    }
    let about = c.entity_body("page/chi-siamo", 80, 160, true);
    w.write(
        "content/pages/chi-siamo.md",
        &format!("---\ntitle: \"Chi siamo\"\nsummary: \"La redazione e il metodo.\"\n---\n## Il metodo\n\n{about}"),
    )?;
    let guide = c.entity_body("page/guida", 80, 160, false);
    w.write(
        "content/pages/guida.md",
        &format!("---\ntitle: \"Guida alla lettura\"\n---\n{guide}\n- le [storie](story:{})\n- gli attori, come [{}](actor:{})\n", c.stories[0].id, c.actors[0].name, c.actors[0].id),
    )?;
    for d in &c.digests {
        let text = digest_file(c, d);
        let (y, m, _) = civil_from_days(d.when.div_euclid(1440));
        w.write(&format!("content/digests/{y:04}/{m:02}/{}.md", d.id), &text)?;
    }
    Ok(w)
}

fn digest_file(c: &Corpus, d: &Digest) -> String {
    let body = c.digest_body(d);
    let mut fm = String::with_capacity(2048);
    let _ = writeln!(fm, "title: {}", q(&d.title));
    let date = if d.with_time {
        moment(d.when)
    } else {
        day(d.when.div_euclid(1440))
    };
    let _ = writeln!(fm, "date: {date}");
    if let Some(u) = d.updated {
        let _ = writeln!(fm, "updated: {}", moment(u));
    }
    match d.stories.as_slice() {
        [] => {}
        [one] => {
            let _ = writeln!(fm, "story: {}", c.stories[*one].id);
        }
        many => {
            let ids: Vec<&str> = many.iter().map(|&s| c.stories[s].id.as_str()).collect();
            let _ = writeln!(fm, "story: [{}]", ids.join(", "));
        }
    }
    if d.summary {
        let mut rng = Rng::derive(c.seed, "summary", d.i as u64);
        let _ = writeln!(fm, "summary: {}", q(&sentence(&mut rng, 15, 30)));
    }
    if !d.authors.is_empty() {
        let authors: Vec<String> = d.authors.iter().map(|a| a.to_string()).collect();
        let _ = writeln!(fm, "authors: {}", flow(&authors));
    }
    let actors: Vec<&str> = d.actors.iter().map(|&a| c.actors[a].id.as_str()).collect();
    let _ = writeln!(fm, "actors: [{}]", actors.join(", "));
    let _ = writeln!(fm, "tags: {}", flow(&d.tags));
    if let Some(lang) = d.lang {
        let _ = writeln!(fm, "lang: {lang}");
    }
    if d.draft {
        fm.push_str("draft: true\n");
    }
    if d.image {
        let _ = writeln!(fm, "image: /images/digest-{}.jpg", d.i % 50);
    }
    fm.push_str("sources:\n");
    for ci in &d.citations {
        let _ = writeln!(fm, "  - id: {}", ci.id);
        if let Some(s) = ci.source {
            let _ = writeln!(fm, "    source: {}", c.sources[s].id);
        }
        if let Some(t) = &ci.title {
            let _ = writeln!(fm, "    title: {}", q(t));
        }
        let _ = writeln!(fm, "    url: {}", ci.url);
        let _ = writeln!(fm, "    published: {}", day(ci.published));
        if let Some(a) = &ci.archived {
            let _ = writeln!(fm, "    archived: {a}");
        }
    }
    fm.push_str("quotes:\n");
    for qt in &d.quotes {
        let _ = writeln!(fm, "  - id: {}", qt.id);
        let _ = writeln!(fm, "    by: {}", qt.by);
        let _ = writeln!(fm, "    text: {}", q(&qt.text));
        if let Some((original, lang)) = &qt.original {
            let _ = writeln!(fm, "    original: {}", q(original));
            let _ = writeln!(fm, "    original_lang: {lang}");
        }
        if let Some(said) = qt.said {
            let _ = writeln!(fm, "    said: {}", day(said));
        }
        if let Some(ctx) = &qt.context {
            let _ = writeln!(fm, "    context: {}", q(ctx));
        }
        if let Some(n) = qt.cite {
            let _ = writeln!(fm, "    cite: {}", d.citations[n].id);
        }
    }
    if d.extra {
        let _ = writeln!(
            fm,
            "extra: {{ featured: true, speaker: {} }}",
            q(c.speaker_name(&d.quotes[0].by))
        );
    }
    format!("---\n{fm}---\n{body}")
}

// ---------------------------------------------------------------------------
// command line

const USAGE: &str = "usage: gen_corpus --digests N [--seed S] --out DIR [--force]

Writes a deterministic synthetic storia site of N digests (1..=1000000) into DIR.
  --digests N   number of digests (about N/10 actors, N/50 sources, N/200 stories)
  --seed S      any string; the same seed gives the same bytes (default 1)
  --out DIR     output folder: created; must be empty unless --force
  --force       delete DIR first if it exists";

struct Args {
    digests: usize,
    seed: String,
    out: PathBuf,
    force: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut digests = None;
    let mut seed = "1".to_string();
    let mut out = None;
    let mut force = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match a.as_str() {
            "--digests" | "-n" => {
                let v = value("--digests")?;
                digests = Some(
                    v.parse::<usize>()
                        .map_err(|_| format!("--digests: not a number: `{v}`"))?,
                );
            }
            "--seed" => seed = value("--seed")?,
            "--out" | "-o" => out = Some(PathBuf::from(value("--out")?)),
            "--force" => force = true,
            "--help" | "-h" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let digests = digests.ok_or("--digests is required")?;
    if !(1..=1_000_000).contains(&digests) {
        return Err("--digests must be between 1 and 1000000".into());
    }
    let out = out.ok_or("--out is required")?;
    Ok(Args {
        digests,
        seed,
        out,
        force,
    })
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) if e.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let not_empty = fs::read_dir(&args.out).is_ok_and(|mut d| d.next().is_some());
    if not_empty {
        if !args.force {
            eprintln!(
                "error: {} exists and is not empty (use --force to replace it)",
                args.out.display()
            );
            return ExitCode::from(2);
        }
        if let Err(e) = fs::remove_dir_all(&args.out) {
            eprintln!("error: cannot remove {}: {e}", args.out.display());
            return ExitCode::FAILURE;
        }
    }
    let started = std::time::Instant::now();
    let corpus = Corpus::new(args.digests, &args.seed);
    match write_site(&corpus, &args.out) {
        Ok(w) => {
            let quotes: usize = corpus.digests.iter().map(|d| d.quotes.len()).sum();
            let citations: usize = corpus.digests.iter().map(|d| d.citations.len()).sum();
            eprintln!(
                "{{\"digests\": {}, \"published\": {}, \"drafts\": {}, \"actors\": {}, \"sources\": {}, \"stories\": {}, \"tags\": {}, \"quotes\": {quotes}, \"citations\": {citations}, \"files\": {}, \"bytes\": {}, \"seconds\": {:.2}}}",
                corpus.digests.len(),
                corpus.published.len(),
                corpus.digests.len() - corpus.published.len(),
                corpus.actors.len(),
                corpus.sources.len(),
                corpus.stories.len(),
                corpus.tags.len(),
                w.files,
                w.bytes,
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: writing {}: {e}", args.out.display());
            ExitCode::FAILURE
        }
    }
}

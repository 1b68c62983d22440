//! The words, numbers and dates of a printed document, in the language it is printed in.
//!
//! A template prints `data.labels.total` rather than "Total", so one template serves every
//! language the app speaks; amounts and dates come already written out (`1,200,000 ₭`,
//! `30/11/2026`) in that language's way.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;

/// A language documents are printed in (the app's languages).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    #[default]
    En,
    Ru,
    Lo,
    Km,
}

impl Lang {
    fn index(self) -> usize {
        self as usize
    }

    pub fn code(self) -> &'static str {
        ["en", "ru", "lo", "km"][self.index()]
    }
}

/// Each label in English, Russian, Lao and Khmer.
const LABELS: &[(&str, [&str; 4])] = &[
    ("invoice", ["Invoice", "Счёт", "ໃບແຈ້ງໜີ້", "វិក្កយបត្រ"]),
    ("receipt", ["Receipt", "Квитанция", "ໃບຮັບເງິນ", "បង្កាន់ដៃ"]),
    ("contract", ["Contract", "Договор", "ສັນຍາ", "កិច្ចសន្យា"]),
    ("price_list", ["Price list", "Прайс-лист", "ລາຍການລາຄາ", "តារាងតម្លៃ"]),
    ("number", ["No.", "№", "ເລກທີ", "លេខ"]),
    ("date", ["Date", "Дата", "ວັນທີ", "កាលបរិច្ឆេទ"]),
    ("client", ["Client", "Клиент", "ລູກຄ້າ", "អតិថិជន"]),
    ("payer", ["Payer", "Плательщик", "ຜູ້ຈ່າຍ", "អ្នកបង់ប្រាក់"]),
    ("centre", ["The centre", "Центр", "ສູນ", "មជ្ឈមណ្ឌល"]),
    ("description", ["Description", "Наименование", "ລາຍການ", "ការពិពណ៌នា"]),
    ("quantity", ["Qty", "Кол-во", "ຈຳນວນ", "ចំនួន"]),
    ("unit", ["Unit", "Ед.", "ຫົວໜ່ວຍ", "ឯកតា"]),
    ("price", ["Price", "Цена", "ລາຄາ", "តម្លៃ"]),
    ("discount", ["Discount", "Скидка", "ສ່ວນຫຼຸດ", "បញ្ចុះតម្លៃ"]),
    ("tax", ["Tax", "Налог", "ອາກອນ", "ពន្ធ"]),
    ("tax_included", ["incl. tax", "в т.ч. налог", "ລວມອາກອນແລ້ວ", "រួមបញ្ចូលពន្ធ"]),
    ("subtotal", ["Subtotal", "Сумма", "ລວມຍ່ອຍ", "សរុបរង"]),
    ("total", ["Total", "Итого", "ລວມທັງໝົດ", "សរុប"]),
    ("paid", ["Paid", "Оплачено", "ຈ່າຍແລ້ວ", "បានបង់"]),
    ("due", ["Due", "К оплате", "ຍັງຄ້າງ", "នៅជំពាក់"]),
    ("amount", ["Amount", "Сумма", "ຈຳນວນເງິນ", "ចំនួនទឹកប្រាក់"]),
    ("method", ["Paid by", "Способ оплаты", "ວິທີຈ່າຍ", "វិធីបង់ប្រាក់"]),
    ("received_from", ["Received from", "Получено от", "ໄດ້ຮັບຈາກ", "បានទទួលពី"]),
    ("for_invoice", ["For invoice", "По счёту", "ສຳລັບໃບແຈ້ງໜີ້", "សម្រាប់វិក្កយបត្រ"]),
    ("to_credit", ["To the payer's credit", "На баланс плательщика", "ເຂົ້າຍອດເຫຼືອຂອງຜູ້ຈ່າຍ", "ចូលឥណទានរបស់អ្នកបង់"]),
    ("from_credit", ["Paid out of the payer's credit", "Выплачено с баланса плательщика", "ຈ່າຍຄືນຈາກຍອດເຫຼືອຂອງຜູ້ຈ່າຍ", "បានបង់ចេញពីឥណទានរបស់អ្នកបង់"]),
    ("received_by", ["Received by", "Принял", "ຜູ້ຮັບເງິນ", "អ្នកទទួល"]),
    ("still_due", ["Still to pay", "Осталось оплатить", "ຍັງເຫຼືອຕ້ອງຈ່າຍ", "នៅសល់ត្រូវបង់"]),
    ("refund", ["Refund", "Возврат", "ຄືນເງິນ", "សងប្រាក់វិញ"]),
    ("valid_from", ["Valid from", "Действует с", "ມີຜົນແຕ່", "មានសុពលភាពពី"]),
    ("valid_until", ["until", "по", "ເຖິງ", "ដល់"]),
    ("parties", ["Parties", "Стороны", "ຄູ່ສັນຍາ", "ភាគី"]),
    ("terms", [
        "The centre provides its services to the client; the payer pays for them by the invoices issued under this contract.",
        "Центр оказывает клиенту услуги; плательщик оплачивает их по счетам, выставленным по этому договору.",
        "ສູນໃຫ້ບໍລິການແກ່ລູກຄ້າ; ຜູ້ຈ່າຍຊຳລະຄ່າບໍລິການຕາມໃບແຈ້ງໜີ້ທີ່ອອກພາຍໃຕ້ສັນຍານີ້.",
        "មជ្ឈមណ្ឌលផ្តល់សេវាដល់អតិថិជន; អ្នកបង់ប្រាក់បង់ថ្លៃសេវាតាមវិក្កយបត្រដែលចេញក្រោមកិច្ចសន្យានេះ។",
    ]),
    ("invoices", ["Invoices under this contract", "Счета по договору", "ໃບແຈ້ງໜີ້ຕາມສັນຍາ", "វិក្កយបត្រតាមកិច្ចសន្យា"]),
    ("signature", ["Signature", "Подпись", "ລາຍເຊັນ", "ហត្ថលេខា"]),
    ("note", ["Note", "Примечание", "ໝາຍເຫດ", "កំណត់ចំណាំ"]),
    ("memberships", ["Memberships", "Абонементы", "ບັດສະມາຊິກ", "សមាជិកភាព"]),
    ("visits", ["visits", "посещений", "ຄັ້ງ", "ដង"]),
    ("unlimited", ["unlimited visits", "без ограничений", "ບໍ່ຈຳກັດຄັ້ງ", "គ្មានដែនកំណត់"]),
    ("days", ["days", "дн.", "ມື້", "ថ្ងៃ"]),
    ("months", ["months", "мес.", "ເດືອນ", "ខែ"]),
    ("from_first_visit", ["from the first visit", "с первого посещения", "ນັບແຕ່ມາຄັ້ງທຳອິດ", "ចាប់ពីការមកលើកដំបូង"]),
    ("cancelled", ["Cancelled", "Отменён", "ຍົກເລີກແລ້ວ", "បានលុបចោល"]),
    ("thanks", ["Thank you!", "Спасибо!", "ຂອບໃຈ!", "សូមអរគុណ!"]),
    ("cash", ["cash", "наличные", "ເງິນສົດ", "សាច់ប្រាក់"]),
    ("card", ["card", "карта", "ບັດ", "កាត"]),
    ("transfer", ["transfer", "перевод", "ໂອນ", "ផ្ទេរប្រាក់"]),
    ("credit", ["credit", "с баланса", "ຍອດເຫຼືອ", "ឥណទាន"]),
];

/// Every label in `lang`, by key (`data.labels.total`).
pub fn labels(lang: Lang) -> serde_json::Map<String, serde_json::Value> {
    LABELS
        .iter()
        .map(|(key, words)| (key.to_string(), words[lang.index()].into()))
        .collect()
}

/// One label in `lang` (a payment method's name, a unit).
pub fn label(lang: Lang, key: &str) -> String {
    LABELS.iter().find(|(k, _)| *k == key).map_or_else(
        || key.to_string(),
        |(_, words)| words[lang.index()].to_string(),
    )
}

/// A date the way `lang` writes it with digits.
pub fn date(lang: Lang, day: NaiveDate) -> String {
    match lang {
        Lang::Ru => day.format("%d.%m.%Y").to_string(),
        _ => day.format("%d/%m/%Y").to_string(),
    }
}

/// Group and decimal separators (CLDR's for each language).
fn separators(lang: Lang) -> (&'static str, &'static str) {
    match lang {
        Lang::En => (",", "."),
        Lang::Ru => ("\u{a0}", ","),
        Lang::Lo | Lang::Km => (".", ","),
    }
}

/// A whole number with `lang`'s digit grouping.
pub fn number(lang: Lang, n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let (group, _) = separators(lang);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(group);
        }
        out.push(c);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

/// An amount of minor units in `currency` (its exponent), grouped, with the currency's sign.
pub fn money(lang: Lang, minor: i64, currency: &str, exponent: u16) -> String {
    let scale = 10_i64.pow(u32::from(exponent));
    let whole = number(lang, (minor / scale).abs());
    let sign = if minor < 0 { "-" } else { "" };
    let fraction = if exponent > 0 {
        let (_, decimal) = separators(lang);
        format!(
            "{decimal}{:0width$}",
            (minor % scale).abs(),
            width = usize::from(exponent)
        )
    } else {
        String::new()
    };
    let symbol = match currency {
        "LAK" => "₭",
        "KHR" => "៛",
        "THB" => "฿",
        "RUB" => "₽",
        "KZT" => "₸",
        "VND" => "₫",
        "EUR" => "€",
        "USD" => "$",
        other => other,
    };
    format!("{sign}{whole}{fraction}\u{a0}{symbol}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_written_in_the_language_and_currency() {
        assert_eq!(money(Lang::En, 120_000_000, "LAK", 0), "120,000,000\u{a0}₭");
        assert_eq!(money(Lang::Ru, 123_456, "RUB", 2), "1\u{a0}234,56\u{a0}₽");
        assert_eq!(money(Lang::Lo, -5_000, "LAK", 0), "-5.000\u{a0}₭");
        assert_eq!(money(Lang::En, -5, "USD", 2), "-0.05\u{a0}$");
        assert_eq!(money(Lang::En, 1_000, "KWD", 3), "1.000\u{a0}KWD");
    }

    #[test]
    fn every_label_is_in_every_language() {
        for (key, words) in LABELS {
            assert!(words.iter().all(|w| !w.is_empty()), "{key}");
        }
        assert_eq!(label(Lang::Km, "total"), "សរុប");
        assert_eq!(
            date(Lang::Ru, NaiveDate::from_ymd_opt(2026, 1, 5).unwrap()),
            "05.01.2026"
        );
    }
}

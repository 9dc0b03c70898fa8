//! Word lists: the cities contacts live in, with their time zones and dialling codes.

pub(super) struct City {
    pub(super) name: &'static str,
    pub(super) country: &'static str,
    pub(super) tz: &'static str,
    pub(super) dial: u16,
}

const fn city(name: &'static str, country: &'static str, tz: &'static str, dial: u16) -> City {
    City {
        name,
        country,
        tz,
        dial,
    }
}

pub(super) const CITIES: &[City] = &[
    city("San Francisco", "United States", "America/Los_Angeles", 1),
    city("Seattle", "United States", "America/Los_Angeles", 1),
    city("New York", "United States", "America/New_York", 1),
    city("Boston", "United States", "America/New_York", 1),
    city("Chicago", "United States", "America/Chicago", 1),
    city("Austin", "United States", "America/Chicago", 1),
    city("Toronto", "Canada", "America/Toronto", 1),
    city("Vancouver", "Canada", "America/Vancouver", 1),
    city("Mexico City", "Mexico", "America/Mexico_City", 52),
    city("São Paulo", "Brazil", "America/Sao_Paulo", 55),
    city(
        "Buenos Aires",
        "Argentina",
        "America/Argentina/Buenos_Aires",
        54,
    ),
    city("London", "United Kingdom", "Europe/London", 44),
    city("Dublin", "Ireland", "Europe/Dublin", 353),
    city("Paris", "France", "Europe/Paris", 33),
    city("Berlin", "Germany", "Europe/Berlin", 49),
    city("Munich", "Germany", "Europe/Berlin", 49),
    city("Amsterdam", "Netherlands", "Europe/Amsterdam", 31),
    city("Stockholm", "Sweden", "Europe/Stockholm", 46),
    city("Madrid", "Spain", "Europe/Madrid", 34),
    city("Lisbon", "Portugal", "Europe/Lisbon", 351),
    city("Zurich", "Switzerland", "Europe/Zurich", 41),
    city("Warsaw", "Poland", "Europe/Warsaw", 48),
    city("Istanbul", "Turkey", "Europe/Istanbul", 90),
    city("Lagos", "Nigeria", "Africa/Lagos", 234),
    city("Nairobi", "Kenya", "Africa/Nairobi", 254),
    city("Cape Town", "South Africa", "Africa/Johannesburg", 27),
    city("Dubai", "United Arab Emirates", "Asia/Dubai", 971),
    city("Bangalore", "India", "Asia/Kolkata", 91),
    city("Mumbai", "India", "Asia/Kolkata", 91),
    city("Singapore", "Singapore", "Asia/Singapore", 65),
    city("Tokyo", "Japan", "Asia/Tokyo", 81),
    city("Seoul", "South Korea", "Asia/Seoul", 82),
    city("Shanghai", "China", "Asia/Shanghai", 86),
    city("Sydney", "Australia", "Australia/Sydney", 61),
    city("Auckland", "New Zealand", "Pacific/Auckland", 64),
];

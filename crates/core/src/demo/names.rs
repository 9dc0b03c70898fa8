//! Word lists: given and family names, and personal e-mail providers.

#[rustfmt::skip]
pub(super) const FIRST_NAMES: &[&str] = &[
    "James", "Mary", "Michael", "Sarah", "David", "Emily", "Daniel", "Jessica", "Matthew", "Laura",
    "Ryan", "Hannah", "Chris", "Megan", "Andrew", "Olivia", "Ben", "Grace", "Tom", "Chloe",
    "José", "María", "Carlos", "Lucía", "Javier", "Sofía", "Diego", "Camila", "Alejandro", "Valentina",
    "Mateo", "Isabel", "Lukas", "Anna", "Jonas", "Lena", "Felix", "Mia", "Sven", "Ingrid",
    "Lars", "Freya", "Björn", "Astrid", "Daan", "Sanne", "Julien", "Camille", "Luc", "Élodie",
    "Marco", "Giulia", "Luca", "Chiara", "Antoine", "Margaux", "Łukasz", "Katarzyna", "Piotr", "Agnieszka",
    "Ivan", "Olga", "Dmitri", "Natalia", "Tomáš", "Petra", "Priya", "Arjun", "Ananya", "Rahul",
    "Kavya", "Vikram", "Deepa", "Rohan", "Aisha", "Sanjay", "Neha", "Aditya", "Wei", "Xin",
    "Jun", "Mei", "Hao", "Yan", "Lei", "Ying", "Jing", "Haruto", "Yuki", "Sakura",
    "Kenji", "Aiko", "Takumi", "Hina", "Ren", "Min-jun", "Seo-yeon", "Ji-ho", "Ha-eun", "Joon",
    "Omar", "Fatima", "Ahmed", "Layla", "Youssef", "Noor", "Karim", "Yasmin", "Hassan", "Leila",
    "Chinedu", "Ngozi", "Kwame", "Amara", "Tunde", "Zanele", "Kofi", "Wanjiru", "Sipho", "Adaeze",
    "Jabari", "Nia", "Emre", "Elif", "Can", "Zeynep", "Dariush", "Shirin", "Minh", "Linh",
    "Thanh", "Maricel", "Putri", "Budi", "Siti", "Anong", "Noa", "Eitan", "Tamar", "Yonatan",
    "João", "Beatriz", "Thiago", "Larissa", "Aroha", "Tane", "Sam", "Alex", "Jordan", "Taylor",
];

#[rustfmt::skip]
pub(super) const LAST_NAMES: &[&str] = &[
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Taylor", "Clark",
    "Walker", "Hall", "Young", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Campbell",
    "O'Brien", "Murphy", "Kelly", "Byrne", "MacLeod", "García", "Rodríguez", "Martínez", "López", "González",
    "Hernández", "Pérez", "Sánchez", "Ramírez", "Torres", "Flores", "Ortiz", "Castillo", "Müller", "Schmidt",
    "Schneider", "Fischer", "Weber", "Becker", "Hoffmann", "Wagner", "Johansson", "Lindqvist", "Andersen", "Nielsen",
    "Eriksson", "Virtanen", "de Vries", "van Dijk", "Jansen", "Bakker", "Dubois", "Lefèvre", "Moreau", "Laurent",
    "Rossi", "Bianchi", "Romano", "Ricci", "Ferrari", "Esposito", "Kowalski", "Nowak", "Wiśniewski", "Ivanov",
    "Petrova", "Smirnov", "Novák", "Horvat", "Kovač", "Sharma", "Patel", "Gupta", "Iyer", "Reddy",
    "Nair", "Singh", "Kumar", "Menon", "Chatterjee", "Desai", "Rao", "Wang", "Li", "Zhang",
    "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Lin", "Tan", "Lim",
    "Ng", "Wong", "Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Nakamura", "Kobayashi",
    "Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Haddad", "Khalil", "Mansour", "Nasser",
    "Farah", "Saleh", "Aziz", "Rahman", "Hussain", "Okafor", "Adeyemi", "Mensah", "Okonkwo", "Mwangi",
    "Otieno", "Nkosi", "Dlamini", "Abebe", "Diallo", "Traoré", "Osei", "Yılmaz", "Demir", "Kaya",
    "Tehrani", "Karimi", "Nguyen", "Tran", "Pham", "Santos", "Reyes", "Cruz", "Wijaya", "Cohen",
    "Levi", "Friedman", "Silva", "Costa", "Oliveira", "Ferreira", "Almeida", "Kahale", "Ngata", "Fontaine",
];

pub(super) const MAIL_PROVIDERS: &[&str] = &[
    "mail.example",
    "inbox.example",
    "post.example",
    "webmail.example",
];

"""Word lists for the demo data set (Javanese/Indonesian names, Bojonegoro flavour).

Plain data so the generator in ``ebakul.demo.seeder`` stays readable. Nothing here is a real
person or business; any resemblance is a coincidence of common names.
"""

# fmt: off
MALE_FIRST = [
    "Agus", "Bambang", "Budi", "Darmo", "Dwi", "Eko", "Fajar", "Hadi", "Heru", "Imam",
    "Joko", "Kardi", "Lukman", "Mardi", "Muhammad", "Nur", "Prasetyo", "Rahmat", "Sigit",
    "Slamet", "Sugeng", "Suparno", "Sutrisno", "Teguh", "Wahyu", "Yudi", "Ahmad", "Arif",
    "Dedi", "Gunawan", "Hendra", "Ilham", "Kusnadi", "Puguh", "Rudi", "Setyo", "Tri", "Yoga",
]
FEMALE_FIRST = [
    "Ani", "Dewi", "Endang", "Fitri", "Indah", "Kartini", "Lestari", "Murni", "Ningsih",
    "Puji", "Rina", "Siti", "Sri", "Suci", "Tutik", "Umi", "Wulan", "Yuli", "Anik", "Diah",
    "Eni", "Retno", "Rahayu", "Ratna", "Sulastri", "Titik", "Wahyuni", "Yeni", "Nurul", "Laila",
]
LAST = [
    "Santoso", "Wibowo", "Susanto", "Hartono", "Purnomo", "Setiawan", "Kurniawan", "Nugroho",
    "Wijaya", "Prasetya", "Saputra", "Hidayat", "Rahmawati", "Handayani", "Lestari",
    "Wulandari", "Suryani", "Sulistyowati", "Pratiwi", "Anggraini", "Mahmud", "Syafii",
    "Hasyim", "Ma'ruf", "Fauzi", "Ridwan", "Subagyo", "Suwarno", "Widodo", "Utomo",
]
DEGREES = [
    "S.Pd.", "S.Kom.", "S.E.", "S.H.", "S.Sos.", "S.T.", "S.Kep.", "A.Md.", "S.AP.", "M.Si.",
]

# Work units that employ many people get more of the demo employees.
UNIT_WEIGHTS = {
    "DISDIK": 9,
    "DINKES": 8,
    "DPU": 4,
    "SETDA": 3,
    "BPKAD": 3,
    "BKPP": 2,
    "BAPPEDA": 2,
    "DISDAGKOP": 2,
    "SETDA-ORG": 1,
}
UNIT_WEIGHT_DEFAULT = 1.2  # each kecamatan office

# Job classes 1..15: most staff sit in the middle classes; PPPK are not in the top classes.
CLASS_WEIGHTS_PNS = [1, 2, 3, 4, 7, 9, 11, 12, 12, 10, 8, 6, 4, 2, 1]
CLASS_WEIGHTS_PPPK = [3, 5, 7, 9, 12, 12, 10, 8, 5, 0, 0, 0, 0, 0, 0]

# The town itself has more businesses than the rural kecamatan.
KECAMATAN_WEIGHTS = {
    "Bojonegoro": 8,
    "Kapas": 2.5,
    "Dander": 2.5,
    "Kalitidu": 2,
    "Sumberrejo": 2,
    "Baureno": 2,
    "Padangan": 2,
    "Kedungadem": 1.5,
    "Balen": 1.5,
    "Trucuk": 1.5,
}
KECAMATAN_WEIGHT_DEFAULT = 1.0

CATEGORY_WEIGHTS = {
    "makanan-minuman": 45,
    "kebutuhan-harian": 25,
    "jasa": 15,
    "produk-ikm": 15,
}

SHOP_WORDS = [
    "Barokah", "Sumber Rejeki", "Makmur", "Jaya Abadi", "Sido Mulyo", "Lancar", "Berkah",
    "Mekar Sari", "Rejo", "Sentosa", "Mandiri", "Tani Makmur", "Lestari", "Sri Rejeki",
    "Sido Dadi", "Rukun", "Karya Bakti", "Angling Dharma", "Jonegoro", "Tirta Kencana",
]
# {nick} is "Bu Sri" / "Pak Darmo", {word} a shop word.
SHOP_TEMPLATES = {
    "makanan-minuman": [
        "Warung Makan {nick}", "Soto Ayam {nick}", "Nasi Pecel {nick}", "Kedai Kopi {word}",
        "Bakso {nick}", "Rumah Makan {word}", "Es Dawet {nick}", "Sego Buwuhan {nick}",
        "Depot {word}", "Mie Ayam {nick}", "Warung Kopi {nick}", "Lontong Tahu {nick}",
    ],
    "kebutuhan-harian": [
        "Toko Kelontong {word}", "Toko {word}", "Pracangan {nick}", "Toko Sembako {nick}",
        "Depot Air Isi Ulang {word}", "Toko Sayur {nick}", "Toko Beras {word}",
    ],
    "jasa": [
        "Laundry {word}", "Cukur Rambut {nick}", "Bengkel Motor {nick}", "Penjahit {nick}",
        "Servis HP {word}", "Fotokopi {word}", "Cuci Motor {word}",
    ],
    "produk-ikm": [
        "Batik Jonegoroan {word}", "Kerajinan Kayu Jati {word}", "Ledre {nick}",
        "Keripik Tempe {nick}", "Gerabah {word}", "Anyaman Bambu {nick}", "Camilan {word}",
    ],
}
MODERN_RETAIL_NAMES = ["Swalayan Waralaba {word}", "Gerai Roti Waralaba {word}"]

ITEMS = {
    "makanan-minuman": [
        "Nasi pecel 2 porsi", "Soto ayam dan es teh", "Nasi kotak rapat", "Kopi dan camilan",
        "Bakso 3 porsi", "Makan siang tim", "Jajan pasar", "Es dawet 5 gelas",
    ],
    "kebutuhan-harian": [
        "Beras 5 kg", "Minyak goreng dan gula", "Sembako bulanan", "Air galon 2",
        "Sayur dan lauk", "Telur 2 kg", "Sabun dan deterjen",
    ],
    "jasa": [
        "Cuci setrika 5 kg", "Potong rambut", "Servis motor", "Jahit seragam",
        "Ganti layar HP", "Fotokopi dan jilid", "Cuci motor",
    ],
    "produk-ikm": [
        "Kain batik Jonegoroan", "Ledre 3 bungkus", "Keripik tempe oleh-oleh",
        "Kerajinan kayu jati", "Gerabah hias", "Tas anyaman",
    ],
}

VILLAGES = [
    "Sukorejo", "Kadipaten", "Ledok Kulon", "Ngumpakdalem", "Kalirejo", "Sumberejo",
    "Mojodeso", "Banjarsari", "Tanjungharjo", "Karangdayu", "Sidomulyo", "Kedungrejo",
    "Sambiroto", "Campurejo", "Kauman", "Klangon", "Mulyoagung", "Ngrowo", "Pacul", "Jono",
]
STREETS = [
    "Panglima Sudirman", "Veteran", "Diponegoro", "Gajah Mada", "Basuki Rahmat",
    "Untung Suropati", "Teuku Umar", "Rajekwesi", "Hayam Wuruk", "Lettu Suwolo",
    "MH Thamrin", "Ahmad Yani", "Raya Bojonegoro-Cepu", "Raya Babat", "Raya Dander",
]

REJECT_NOTES = [
    "Foto nota tidak terbaca.",
    "Nota ini sudah pernah diunggah.",
    "Nominal tidak sesuai dengan nota.",
    "Tanggal pada nota berbeda dengan tanggal pembelian.",
]
DISPUTE_NOTES = [
    "Transaksi tidak ditemukan di catatan kami.",
    "Nominal berbeda dengan nota kami.",
]
MERCHANT_REJECT_NOTE = "NIB tidak sesuai dengan data OSS."
MERCHANT_FIX_NOTE = "Foto tempat usaha belum ada; alamat kurang lengkap."
MODERN_RETAIL_NOTE = "Ritel modern / waralaba: tidak memenuhi syarat program."

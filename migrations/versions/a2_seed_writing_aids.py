"""seed letter templates, the phrasebook and the list of things to avoid

Revision ID: a2_seed_writing_aids
Revises: a1_seed_guidelines
Create Date: 2026-11-27 21:40:00

Data, not schema: coordinators edit all of it afterwards. The tables are described here as
they stand at this revision (sa.table stubs), never imported from the models, so later model
changes cannot break this migration. The downgrade deletes the rows it inserted, found by their
seeded title and language, Russian phrase, or words; rows coordinators added stay.

Sources for what is safe to write: docs/addressing.md#writing-to-a-prisoner (memopzk.org
"kak-pisat-pisma-politzaklyuchyonnym", Memorial, Solidarity Zone, ABC and Amnesty guides).
Templates say nothing of the case, the war, politics or other people; they do not pity; the
Russian ones use «вы». Each Russian and German template carries its English meaning line by
line, so it can be shown beside the text.
"""

from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = "a2_seed_writing_aids"
down_revision = "a1_seed_guidelines"
branch_labels = None
depends_on = None


letter_templates = sa.table(
    "letter_templates",
    sa.column("id", sa.Integer),
    sa.column("occasion", sa.String),
    sa.column("language", sa.String),
    sa.column("title", sa.String),
    sa.column("body", sa.Text),
    sa.column("translation", sa.Text),
    sa.column("position", sa.Integer),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)
phrases = sa.table(
    "phrases",
    sa.column("id", sa.Integer),
    sa.column("russian", sa.String),
    sa.column("english", sa.String),
    sa.column("german", sa.String),
    sa.column("position", sa.Integer),
)
avoid_terms = sa.table(
    "avoid_terms",
    sa.column("id", sa.Integer),
    sa.column("words", sa.String),
    sa.column("reason", sa.Text),
    sa.column("position", sa.Integer),
)


# --- letter templates: (occasion, language, title, body, translation) -------------------------
# Placeholders: see letters/drafting/placeholders.py. {writer:рад|рада} and {prisoner:один|одна}
# agree with the writer's and the prisoner's gender.

TEMPLATES = [
    # Russian. The first letter is the "bilingual template" the writing page offers: its
    # translation follows it line by line.
    (
        "first_letter",
        "ru",
        "First letter",
        """{today}

Здравствуйте, {prisoner_first_name}!

Меня зовут {writer_name}, я живу в городе {writer_city}. Пишу вам впервые.
Надеюсь, письмо застанет вас в добром здравии.
Хочу, чтобы вы знали: вы не {prisoner:один|одна}, о вас помнят.
Расскажите, что вы сейчас читаете и что вас радует.
Буду {writer:рад|рада} ответу, если будет возможность.
Если будете отвечать, пишите, пожалуйста, печатными буквами.

Желаю вам здоровья и сил.
С теплом, {writer_name}""",
        """{today}

Hello, {prisoner_first_name}!

My name is {writer_name}, I live in {writer_city}. I am writing to you for the first time.
I hope this letter finds you in good health.
I want you to know: you are not alone, people remember you.
Tell me what you are reading now and what brings you joy.
I would be glad of a reply if you get the chance.
If you reply, please write in block letters.

I wish you health and strength.
Warmly, {writer_name}""",
    ),
    (
        "birthday",
        "ru",
        "Birthday card",
        """{today}

{prisoner:Дорогой|Дорогая} {prisoner_name_patronymic}!

Поздравляю вас с днём рождения!
Меня зовут {writer_name}, я пишу вам из города {writer_city}.
Желаю вам крепкого здоровья, сил и душевного тепла.
Пусть этот год принесёт вам больше светлых дней, хороших книг и добрых писем.
Знайте, что сегодня о вас думают очень многие люди.
Буду {writer:рад|рада} весточке от вас, если будет возможность.

С наилучшими пожеланиями,
{writer_name}""",
        """{today}

Dear {prisoner_name_patronymic}!

Happy birthday!
My name is {writer_name}, I am writing to you from {writer_city}.
I wish you good health, strength and warmth of heart.
May this year bring you more bright days, good books and kind letters.
Know that a great many people are thinking of you today.
I would be glad to hear from you if you get the chance.

With best wishes,
{writer_name}""",
    ),
    (
        "holiday",
        "ru",
        "New Year card",
        """{today}

Здравствуйте, {prisoner_first_name}!

Меня зовут {writer_name}, я живу в городе {writer_city}.
В эти праздничные дни я {writer:решил|решила} написать вам и поздравить с Новым годом!
Желаю вам здоровья, тепла, хороших книг и добрых писем.
Пусть каждый день нового года приносит хотя бы маленький повод для радости.
Вы не {prisoner:один|одна}: в новогоднюю ночь о вас будут вспоминать многие.

С Новым годом!
{writer_name}""",
        """{today}

Hello, {prisoner_first_name}!

My name is {writer_name}, I live in {writer_city}.
In these festive days I decided to write to you and wish you a happy New Year!
I wish you health, warmth, good books and kind letters.
May every day of the new year bring at least a small reason for joy.
You are not alone: on New Year's Eve many people will be thinking of you.

Happy New Year!
{writer_name}""",
    ),
    (
        "after_verdict",
        "ru",
        "After the verdict",
        """{today}

Здравствуйте, {prisoner_first_name}!

Меня зовут {writer_name}, я живу в городе {writer_city}.
Я {writer:узнал|узнала}, что у вас позади непростые дни, и мне захотелось вам написать.
Хочу, чтобы вы знали: о вас помнят, и вам будут писать.
Надеюсь, у вас есть силы, книги и хотя бы немного покоя.
Расскажите, как вы, чем сейчас заняты, что вам хотелось бы почитать.
Буду {writer:рад|рада} ответу, если будет возможность. Пишите, пожалуйста, печатными буквами.

Берегите себя.
С теплом, {writer_name}""",
        """{today}

Hello, {prisoner_first_name}!

My name is {writer_name}, I live in {writer_city}.
I heard that you have some hard days behind you, and I felt like writing to you.
I want you to know: people remember you, and they will write to you.
I hope you have strength, books and at least a little peace.
Tell me how you are, what keeps you busy, what you would like to read.
I would be glad of a reply if you get the chance. Please write in block letters.

Take care of yourself.
Warmly, {writer_name}""",
    ),
    (
        "on_release",
        "ru",
        "On release",
        """{today}

Здравствуйте, {prisoner_first_name}!

Меня зовут {writer_name}, я живу в городе {writer_city}.
Поздравляю вас с освобождением! Я очень {writer:рад|рада} за вас.
Желаю вам скорее набраться сил, отдохнуть и побыть с близкими.
Пусть впереди будет много спокойных и счастливых дней.
Если захочется, напишите, как вы, — мне будет очень приятно.

Берегите себя!
С теплом, {writer_name}""",
        """{today}

Hello, {prisoner_first_name}!

My name is {writer_name}, I live in {writer_city}.
Congratulations on your release! I am very happy for you.
I wish you to get your strength back soon, to rest and to be with your loved ones.
May many calm and happy days lie ahead.
If you feel like it, write and tell me how you are — I would be very pleased.

Take care of yourself!
Warmly, {writer_name}""",
    ),
    # English: for prisoners who read English; no translation needed.
    (
        "first_letter",
        "en",
        "First letter",
        """{today}

Dear {prisoner_first_name},

My name is {writer_name} and I live in {writer_city}. This is my first letter to you.
I hope this letter finds you well.
I wanted you to know that people are thinking of you: you are not alone.
What are you reading at the moment? I would love to hear about it.
If you would like to write back, I would be glad to hear from you, but please don't feel you have to.

Take care of yourself.
Warmly,
{writer_name}""",
        "",
    ),
    (
        "birthday",
        "en",
        "Birthday card",
        """{today}

Dear {prisoner_first_name},

Happy birthday!
My name is {writer_name}, and I am writing to you from {writer_city}.
I wish you good health, strength and warmth, today and all through the year ahead.
May it bring you bright days, good books and kind letters.
Many people are thinking of you today, and I am one of them.

With best wishes,
{writer_name}""",
        "",
    ),
    (
        "holiday",
        "en",
        "Holiday card",
        """{today}

Dear {prisoner_first_name},

Season's greetings and a happy New Year!
My name is {writer_name}, and I live in {writer_city}.
I wanted to send you warm wishes for the holidays.
I hope the new year is kind to you and brings you health, warmth, good books and letters.
You are not alone: many people will be thinking of you as the year turns.

Happy New Year,
{writer_name}""",
        "",
    ),
    (
        "after_verdict",
        "en",
        "After the verdict",
        """{today}

Dear {prisoner_first_name},

My name is {writer_name}, and I live in {writer_city}.
I heard you have been through some hard days, and I wanted to write to you.
I want you to know that people remember you and will keep writing.
I hope you have strength, something good to read and a little peace.
If you feel like writing back, tell me how you are and what you would like to read.

Take care of yourself.
Warmly,
{writer_name}""",
        "",
    ),
    (
        "on_release",
        "en",
        "On release",
        """{today}

Dear {prisoner_first_name},

My name is {writer_name}, and I live in {writer_city}.
Congratulations on your release! I am so happy for you.
I hope you can rest, get your strength back and spend time with the people you love.
May many calm and happy days lie ahead.
If you ever feel like writing, I would love to hear how you are.

Take care,
{writer_name}""",
        "",
    ),
    # German ("Sie"; after the comma of the salutation the letter goes on in lower case).
    (
        "first_letter",
        "de",
        "First letter",
        """{today}

{prisoner:Lieber|Liebe} {prisoner_first_name},

mein Name ist {writer_name}, ich wohne in {writer_city}. Ich schreibe Ihnen zum ersten Mal.
Ich hoffe, dieser Brief erreicht Sie bei guter Gesundheit.
Ich möchte, dass Sie wissen: Sie sind nicht allein, viele Menschen denken an Sie.
Was lesen Sie gerade? Das würde mich sehr interessieren.
Über eine Antwort würde ich mich freuen, wenn Sie die Möglichkeit dazu haben.

Ich wünsche Ihnen Gesundheit und Kraft.
Herzliche Grüße
{writer_name}""",
        """{today}

Dear {prisoner_first_name},

My name is {writer_name}, I live in {writer_city}. I am writing to you for the first time.
I hope this letter finds you in good health.
I want you to know: you are not alone, many people are thinking of you.
What are you reading at the moment? I would be very interested to know.
I would be glad of a reply if you have the chance.

I wish you health and strength.
Warm regards,
{writer_name}""",
    ),
    (
        "birthday",
        "de",
        "Birthday card",
        """{today}

{prisoner:Lieber|Liebe} {prisoner_first_name},

herzlichen Glückwunsch zum Geburtstag!
Mein Name ist {writer_name}, ich schreibe Ihnen aus {writer_city}.
Ich wünsche Ihnen Gesundheit, Kraft und viel Wärme – heute und im ganzen neuen Lebensjahr.
Möge es Ihnen helle Tage, gute Bücher und freundliche Briefe bringen.
Heute denken viele Menschen an Sie, und ich gehöre dazu.

Alles Gute und herzliche Grüße
{writer_name}""",
        """{today}

Dear {prisoner_first_name},

Happy birthday!
My name is {writer_name}, I am writing to you from {writer_city}.
I wish you health, strength and much warmth – today and all through your new year of life.
May it bring you bright days, good books and kind letters.
Many people are thinking of you today, and I am one of them.

All the best and warm regards,
{writer_name}""",
    ),
    (
        "holiday",
        "de",
        "Holiday card",
        """{today}

{prisoner:Lieber|Liebe} {prisoner_first_name},

mein Name ist {writer_name}, ich wohne in {writer_city}.
Zu den Feiertagen möchte ich Ihnen herzliche Grüße schicken.
Ich wünsche Ihnen ein gutes neues Jahr: Gesundheit, Wärme, gute Bücher und viele Briefe.
Möge jeder Tag Ihnen wenigstens einen kleinen Grund zur Freude bringen.
Sie sind nicht allein: Zum Jahreswechsel denken viele Menschen an Sie.

Frohe Feiertage und ein gutes neues Jahr!
{writer_name}""",
        """{today}

Dear {prisoner_first_name},

My name is {writer_name}, I live in {writer_city}.
For the holidays I would like to send you warm greetings.
I wish you a good new year: health, warmth, good books and many letters.
May every day bring you at least a small reason for joy.
You are not alone: as the year turns, many people are thinking of you.

Happy holidays and a good new year!
{writer_name}""",
    ),
    (
        "after_verdict",
        "de",
        "After the verdict",
        """{today}

{prisoner:Lieber|Liebe} {prisoner_first_name},

mein Name ist {writer_name}, ich wohne in {writer_city}.
Ich habe gehört, dass Sie schwere Tage hinter sich haben, und wollte Ihnen schreiben.
Sie sollen wissen: Man denkt an Sie, und Sie werden weiter Briefe bekommen.
Ich hoffe, Sie haben Kraft, etwas Gutes zu lesen und ein wenig Ruhe.
Erzählen Sie mir doch, wie es Ihnen geht und was Sie gern lesen würden.

Passen Sie gut auf sich auf.
Herzliche Grüße
{writer_name}""",
        """{today}

Dear {prisoner_first_name},

My name is {writer_name}, I live in {writer_city}.
I heard that you have hard days behind you, and I wanted to write to you.
I want you to know: people are thinking of you, and you will keep getting letters.
I hope you have strength, something good to read and a little peace.
Do tell me how you are and what you would like to read.

Take good care of yourself.
Warm regards,
{writer_name}""",
    ),
    (
        "on_release",
        "de",
        "On release",
        """{today}

{prisoner:Lieber|Liebe} {prisoner_first_name},

mein Name ist {writer_name}, ich wohne in {writer_city}.
Herzlichen Glückwunsch zu Ihrer Entlassung! Ich freue mich sehr für Sie.
Ich wünsche Ihnen, dass Sie sich gut erholen und Zeit mit Ihren Liebsten verbringen.
Mögen viele ruhige und glückliche Tage vor Ihnen liegen.
Wenn Sie Lust haben, schreiben Sie mir gern, wie es Ihnen geht.

Alles Gute und herzliche Grüße
{writer_name}""",
        """{today}

Dear {prisoner_first_name},

My name is {writer_name}, I live in {writer_city}.
Congratulations on your release! I am very happy for you.
I wish you a good rest and time with your loved ones.
May many calm and happy days lie ahead of you.
If you feel like it, do write and tell me how you are.

All the best and warm regards,
{writer_name}""",
    ),
]


# --- phrasebook: (russian, english, german) ---------------------------------------------------
# No placeholders: a phrase goes into a draft that is already filled in. Where Russian grammar
# depends on who writes or who reads, both forms are listed and the meaning says which is which.

PHRASES = [
    # The safe phrases of docs/addressing.md#writing-to-a-prisoner
    ("Здравствуйте!", "Hello!", "Guten Tag!"),
    (
        "Пишу вам впервые.",
        "I am writing to you for the first time.",
        "Ich schreibe Ihnen zum ersten Mal.",
    ),
    (
        "Надеюсь, письмо застанет вас в добром здравии.",
        "I hope this letter finds you in good health.",
        "Ich hoffe, dieser Brief erreicht Sie bei guter Gesundheit.",
    ),
    ("Расскажите, что вы сейчас читаете?", "What are you reading now?", "Was lesen Sie gerade?"),
    (
        "Желаю вам здоровья и сил.",
        "I wish you health and strength.",
        "Ich wünsche Ihnen Gesundheit und Kraft.",
    ),
    (
        "Вы не один.",
        "You are not alone. (to a man)",
        "Sie sind nicht allein. (an einen Mann)",
    ),
    (
        "Вы не одна.",
        "You are not alone. (to a woman)",
        "Sie sind nicht allein. (an eine Frau)",
    ),
    (
        "Буду рад ответу, если будет возможность.",
        "I'd be glad of a reply if you get the chance. (if you are a man)",
        "Über eine Antwort würde ich mich freuen, wenn Sie die Möglichkeit haben. "
        "(wenn Sie ein Mann sind)",
    ),
    (
        "Буду рада ответу, если будет возможность.",
        "I'd be glad of a reply if you get the chance. (if you are a woman)",
        "Über eine Antwort würde ich mich freuen, wenn Sie die Möglichkeit haben. "
        "(wenn Sie eine Frau sind)",
    ),
    (
        "Если будете отвечать, пишите, пожалуйста, печатными буквами.",
        "If you reply, please write in block letters.",
        "Wenn Sie antworten, schreiben Sie bitte in Druckbuchstaben.",
    ),
    ("С теплом,", "Warmly,", "Herzliche Grüße"),
    # everyday ones
    (
        "Я учу русский язык, поэтому пишу просто.",
        "I am learning Russian, so I write simply.",
        "Ich lerne Russisch, deshalb schreibe ich einfach.",
    ),
    (
        "Простите, пожалуйста, мои ошибки.",
        "Please excuse my mistakes.",
        "Bitte entschuldigen Sie meine Fehler.",
    ),
    (
        "Я пишу с помощью программы-переводчика, так что простите, если что-то звучит странно.",
        "I am writing with the help of a translation program, so forgive me if something "
        "sounds odd.",
        "Ich schreibe mit Hilfe eines Übersetzungsprogramms; verzeihen Sie, wenn etwas seltsam "
        "klingt.",
    ),
    ("Как вы себя чувствуете?", "How are you feeling?", "Wie geht es Ihnen?"),
    (
        "Надеюсь, у вас всё хорошо, насколько это возможно.",
        "I hope you are as well as can be.",
        "Ich hoffe, es geht Ihnen so gut wie möglich.",
    ),
    (
        "Желаю вам крепкого здоровья.",
        "I wish you good health.",
        "Ich wünsche Ihnen gute Gesundheit.",
    ),
    (
        "У нас похолодало, выпал первый снег.",
        "It has turned cold here; the first snow has fallen.",
        "Bei uns ist es kalt geworden, der erste Schnee ist gefallen.",
    ),
    (
        "У нас уже весна, на деревьях появились первые листья.",
        "Spring has come here; the first leaves are on the trees.",
        "Bei uns ist schon Frühling, an den Bäumen sind die ersten Blätter.",
    ),
    (
        "Летом здесь долго не темнеет, и вечера тёплые.",
        "In summer it stays light here for a long time, and the evenings are warm.",
        "Im Sommer bleibt es hier lange hell, und die Abende sind warm.",
    ),
    (
        "Осень в этом году тёплая и очень красивая.",
        "This year the autumn is warm and very beautiful.",
        "Der Herbst ist dieses Jahr warm und sehr schön.",
    ),
    ("Сегодня весь день идёт дождь.", "It has been raining all day today.", "Heute regnet es den ganzen Tag."),
    (
        "Сейчас я читаю очень интересную книгу.",
        "I am reading a very interesting book at the moment.",
        "Ich lese gerade ein sehr interessantes Buch.",
    ),
    ("Какие книги вы любите?", "What books do you like?", "Welche Bücher mögen Sie?"),
    ("Какую музыку вы любите?", "What music do you like?", "Welche Musik mögen Sie?"),
    (
        "О чём вам было бы интересно почитать в моих письмах?",
        "What would you like to read about in my letters?",
        "Worüber würden Sie in meinen Briefen gern lesen?",
    ),
    ("Спасибо за ваше письмо!", "Thank you for your letter!", "Vielen Dank für Ihren Brief!"),
    (
        "Если не сможете ответить, ничего страшного.",
        "If you cannot reply, that is quite all right.",
        "Wenn Sie nicht antworten können, ist das ganz in Ordnung.",
    ),
    (
        "Постараюсь написать вам ещё.",
        "I will try to write to you again.",
        "Ich werde versuchen, Ihnen wieder zu schreiben.",
    ),
    ("Берегите себя.", "Take care of yourself.", "Passen Sie auf sich auf."),
    ("Передаю вам тёплый привет.", "I send you warm greetings.", "Ich sende Ihnen herzliche Grüße."),
]


# --- words and topics to avoid: (words separated by ";", reason) ------------------------------
# Russian words change their endings, so the common forms are listed; the check matches whole
# words. Reasons are written for a first-time writer and say what could happen to the prisoner.

AVOID = [
    (
        "уголовное дело; уголовного дела; следствие; следствия; следователь; следователя; "
        "обвинение; обвинения; показания; показаний; свидетель; свидетели; приговор; приговора; "
        "апелляция; апелляции; адвокат; адвоката; "
        "trial; verdict; evidence; lawyer; Prozess; Urteil; Anwalt",
        "Do not write about the case: the charges, the investigation, the trial, the evidence, "
        "the lawyers. Every letter is read by the prison censor and can be passed on to the "
        "investigators; a careless sentence can be used against the prisoner or against "
        "others, and a letter about the case is often simply not handed over.",
    ),
    (
        "война; войны; войне; войну; войной; военный; военные; военных; СВО; спецоперация; "
        "спецоперации; армия; армии; армию; фронт; фронте; мобилизация; мобилизации; "
        "Украина; Украины; Украине; Украину; war; army; Krieg; Armee",
        "Do not write about the war, the army or mobilisation, in any words and from any side. "
        "Letters that mention them are stopped, and since 2022 words about the army are a "
        "criminal matter in Russia: they can bring new charges for the prisoner.",
    ),
    (
        "акция; акции; протест; протесты; протеста; митинг; митинга; митинги; оппозиция; "
        "оппозиции; выборы; выборов; политзаключённый; политзаключённая; политзаключённые; "
        "политзаключённых; protest; rally; opposition; Demonstration; Opposition",
        "Do not name other activists or prisoners, and do not write about protests, campaigns, "
        "elections or anyone's political activity. The security service reads these letters: "
        "names and plans in them put the prisoner and other people in danger, and such letters "
        "are not handed over. Do not call the person a political prisoner in the letter either.",
    ),
    (
        "ЛГБТ; ЛГБТК; гей; геи; гея; лесбиянка; лесбиянки; трансгендер; квир; однополый; "
        "однополые; LGBT; LGBTQ; gay; lesbian; queer; schwul; lesbisch",
        "Do not write about LGBTQ+ topics, however kindly meant, and do not mention anyone's "
        "orientation or identity. Since 2023 Russian courts treat the \"LGBT movement\" as "
        "extremist: such words in a letter can be used to punish the prisoner or to bring a "
        "new charge against them, and the letter will not be handed over.",
    ),
    (
        "экстремизм; экстремист; экстремисты; терроризм; террорист; теракт; бомба; взрыв; "
        "оружие; революция; восстание; свергнуть; extremism; terrorism; bomb; weapon; "
        "revolution; Terror; Bombe; Waffe; Revolution",
        "Avoid anything that sounds like violence, terrorism or a call to overthrow anything, "
        "even as a joke or a figure of speech. It gives the censor a reason to stop the letter "
        "and the authorities a pretext for \"extremism\" charges.",
    ),
    (
        "свобода; свободы; свободе; свободу; борьба; борьбы; бороться; сопротивление; "
        "freedom; fight; resistance; Freiheit; Kampf; Widerstand",
        "Words of struggle (\"freedom\", \"fight\", \"resistance\") read as politics. In "
        "Belarus letters with them are routinely not delivered; in Russia they draw the "
        "censor's attention. Say what you mean with warmth instead: that you think of them "
        "and wish them strength.",
    ),
    (
        "ок; окей; ok; okay; спс; пж; пжл; имхо; лол; lol",
        "In a Russian letter write plain Russian: no abbreviations, codes, nicknames, emoji or "
        "words in other languages or in Latin letters. A censor who cannot read something "
        "suspects a hidden message, and the letter is held back or not handed over.",
    ),
    (
        "бедный; бедная; бедного; бедной; бедняга; бедняжка; несчастный; несчастная; "
        "мне вас жаль; мне жаль вас; жалко вас; poor you; poor thing; Sie Armer; Sie Arme",
        "Do not pity. Prisoners say pity weighs on them; write as to an equal, about life, "
        "books, the weather, with respect and warmth.",
    ),
    (
        "деньги; денег; деньгами; денежный перевод; денежные переводы; банковская карта; "
        "банковскую карту; реквизиты; money; bank transfer; Geld; Überweisung",
        "Do not write about money, transfers, bank details or paying for anything. Money from "
        "abroad can be presented as \"foreign funding\" and used against the prisoner. Support "
        "with money goes through the group's coordinators, never through a letter.",
    ),
    (
        "побег; побега; побеге; сбежать; escape; Flucht; fliehen",
        "Never joke about or hint at escape or getting someone out. It is read literally and "
        "can lead to a stricter regime or new charges for the prisoner.",
    ),
    (
        "пытки; пыток; избиение; избиения; произвол; вертухай; вертухаи; надзиратели; "
        "torture; beating; guards; Folter; Wärter",
        "Do not criticise the prison, its staff or the conditions, and do not ask about "
        "mistreatment: the staff read the letter first, and the prisoner can be punished for "
        "it. If you learn of abuse, tell the group's coordinators, who know safe ways to "
        "raise it.",
    ),
]


def upgrade():
    now = datetime.now(timezone.utc)
    op.bulk_insert(
        letter_templates,
        [
            {
                "occasion": occasion,
                "language": language,
                "title": title,
                "body": body,
                "translation": translation,
                "position": 0,
                "updated_at": now,
            }
            for occasion, language, title, body, translation in TEMPLATES
        ],
    )
    op.bulk_insert(
        phrases,
        [
            {"russian": russian, "english": english, "german": german, "position": index * 10}
            for index, (russian, english, german) in enumerate(PHRASES, start=1)
        ],
    )
    op.bulk_insert(
        avoid_terms,
        [
            {"words": words, "reason": reason, "position": index * 10}
            for index, (words, reason) in enumerate(AVOID, start=1)
        ],
    )


def downgrade():
    for _occasion, language, title, _body, _translation in TEMPLATES:
        op.execute(
            letter_templates.delete().where(
                letter_templates.c.language == language, letter_templates.c.title == title
            )
        )
    for russian, _english, _german in PHRASES:
        op.execute(phrases.delete().where(phrases.c.russian == russian))
    for words, _reason in AVOID:
        op.execute(avoid_terms.delete().where(avoid_terms.c.words == words))

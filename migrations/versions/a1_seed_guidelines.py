"""seed the guidelines for writers (English and Russian)

Revision ID: a1_seed_guidelines
Revises: 3344effea956
Create Date: 2026-11-27 21:40:00

The text is data, not code: coordinators edit it afterwards at /manage/guidelines. It is written
from the facts in the project's domain notes (Memorial, Solidarity Zone, Bristol and London ABC,
Black & Pink, Libereco, USPS and pa.gov mail rules) for someone writing for the first time.
A lightweight table stub instead of the model keeps this migration valid when the model changes.
"""

from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = "a1_seed_guidelines"
down_revision = "3344effea956"
branch_labels = None
depends_on = None


guideline_sections = sa.table(
    "guideline_sections",
    sa.column("slug", sa.String),
    sa.column("language", sa.String),
    sa.column("title", sa.String),
    sa.column("body", sa.Text),
    sa.column("country_code", sa.String),
    sa.column("position", sa.Integer),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)


# (slug, position, country code, {language: (title, Markdown body)})
SECTIONS = [
    (
        "before-you-write",
        10,
        "",
        {
            "en": (
                "Before you write",
                """\
- **Keep it short and warm.** Say who you are and how you heard about them. A card is enough.
- **Everything is read by guards or censors.** Never write about their case, about what other people are doing, or anything that could harm them or anyone else.
- **Write in a language they can read.** To Russia, write wholly in Russian: machine translation is fine, and the templates here show you the English meaning.
- **Don't promise what you can't keep**, and don't count on a reply: paper, stamps and time are scarce inside.
- **Think before giving your home address.** Many writers use their group's address or someone else's.
- **Check what the prison allows** on the prisoner's page before you enclose paper, envelopes, stamps or photos.
- **Copy the address exactly**, line by line, or print the envelope from the prisoner's page.
""",
            ),
            "ru": (
                "Прежде чем писать",
                """\
- **Пишите коротко и тепло.** Представьтесь и расскажите, откуда узнали об адресате. Можно ограничиться открыткой.
- **Все письма читают сотрудники тюрьмы или цензоры.** Никогда не пишите о деле, о том, чем заняты другие люди, и ни о чём, что может навредить адресату или кому-то ещё.
- **Пишите на языке, который адресат понимает.** Письма в Россию — только на русском, от первого до последнего слова.
- **Не обещайте того, чего не сможете выполнить**, и не рассчитывайте на ответ: в заключении не хватает бумаги, марок и времени.
- **Подумайте, прежде чем указывать домашний адрес.** Многие пишут адрес своей группы или доверенного человека.
- **Проверьте на странице заключённого, что разрешает учреждение**, прежде чем вкладывать бумагу, конверты, марки или фотографии.
- **Перепишите адрес точно**, строка за строкой, или распечатайте конверт на странице заключённого.
""",
            ),
        },
    ),
    (
        "first-letter",
        20,
        "",
        {
            "en": (
                "Your first letter",
                """\
You don't need to be a good writer, and you don't need to know the person. A few kind lines from a stranger tell someone who has been locked away that they are not forgotten. That is the whole point.

### What to put in it

- Say hello and give your first name. Where you live can be as general as a city or a country.
- Say how you heard about them, in a neutral way: "I heard about you and wanted to write."
- Tell them something ordinary: your town, the weather, the season, a book you're reading, a cat you met. News of everyday life is very welcome inside.
- Ask a question or two that is easy to answer, such as "What are you reading at the moment?"
- Wish them health and strength, and sign with your first name.

Half a page is plenty. A card is fine too, if the prison accepts cards (many in the US do not).

### How to say it

- **Be honest about how often you can write.** "I'll write again when I can" is better than a promise you may not keep.
- **Don't pity them**, and don't write as if their life were over. Write to them as an equal, the way you would write to a friend of a friend.
- **Keep it simple:** short sentences, no abbreviations, slang or in-jokes. A censor who cannot understand a sentence may hold the letter back.
- **Writing in Russian?** Use the polite «вы». Machine translation is fine.
- **Send political literature only if they ask for it.**

### Don't wait for a reply

Paper, stamps and time are scarce inside, and letters get lost or held back. Many people never hear back, and their letters still mattered. If you would like a reply, you can say so gently, and ask them to write in block letters so that you can read it.

The templates on the writing page give you a safe first letter to start from, with the meaning of every line in English.

*From the advice of Bristol ABC, London ABC, Black & Pink, Memorial, Solidarity Zone and Amnesty International's Write for Rights.*
""",
            ),
            "ru": (
                "Первое письмо",
                """\
Не нужно уметь красиво писать, и не нужно быть знакомым с адресатом. Несколько тёплых строк от незнакомого человека говорят тому, кто оказался за решёткой: о вас помнят. В этом весь смысл.

### О чём написать

- Поздоровайтесь и назовите своё имя. О том, где вы живёте, достаточно сказать в общих чертах: город или страна.
- Напишите, откуда узнали об адресате, спокойно и нейтрально: «Мне рассказали о вас, и захотелось вам написать».
- Расскажите что-нибудь обычное: про свой город, погоду, время года, книгу, которую читаете, соседского кота. Там очень ждут новостей обычной жизни.
- Задайте пару простых вопросов, например: «Что вы сейчас читаете?»
- Пожелайте здоровья и сил и подпишитесь своим именем.

Хватит и половины страницы. Можно отправить и открытку, если учреждение их принимает (во многих тюрьмах США — нет).

### Как писать

- **Честно скажите, как часто сможете писать.** «Напишу ещё, когда смогу» лучше обещания, которое вы, возможно, не сдержите.
- **Не жалейте** и не пишите так, будто жизнь адресата кончена. Пишите на равных — так, как написали бы знакомому своих знакомых.
- **Пишите просто:** короткие предложения, без сокращений, жаргона и шуток «для своих». Если цензор чего-то не поймёт, он может не пропустить письмо.
- **Обращайтесь на «вы».**
- **Политическую литературу посылайте, только если вас об этом попросили.**

### Не ждите ответа

В заключении не хватает бумаги, марок и времени, а письма теряются или задерживаются. Многие так и не получают ответа — и всё равно их письма были важны. Если хотите получить ответ, можно мягко об этом сказать и попросить писать печатными буквами.

На странице письма есть шаблоны, с которых можно спокойно начать первое письмо.

*По советам Bristol ABC и London ABC, Black & Pink, «Мемориала», «Зоны солидарности» и кампании Amnesty International Write for Rights.*
""",
            ),
        },
    ),
    (
        "never-write",
        30,
        "",
        {
            "en": (
                "What never to write, and why",
                """\
Every letter is read before it is handed over: by guards or censors, and in Russia by the security service as well. Write as if the people who keep them locked up were reading over your shoulder, because they are.

Because of one careless sentence a letter can be stopped, and the sentence can be used against the prisoner or someone else. A stopped letter simply never arrives, and they may never know that you wrote.

### Never write about

- **Their case:** the charges, the evidence, the trial, what they did or did not do. Not even to say you believe they are innocent.
- **What other people are doing:** other activists or prisoners, names, plans, meetings, what your group is up to. Your letter must never become evidence against anyone.
- **Anything that could harm them or others**, not even as a joke.

### In letters to Russia and Belarus, also steer clear of

- the war, the government, protests and politics in general;
- anything that could be read as "extremism": slogans, symbols, calls to action;
- LGBTQ+ topics (in Russia);
- words like "freedom" or "fight" (in Belarus), however innocently meant.

### And leave out

- abbreviations, codes, slang and foreign words: what a censor cannot understand, they may not let through;
- pity, and promises you cannot keep.

When in doubt, leave it out. Ordinary news, books and kind wishes are safe.

*Sources: Memorial, Solidarity Zone, Bristol ABC, London ABC, Black & Pink.*
""",
            ),
            "ru": (
                "О чём нельзя писать и почему",
                """\
Каждое письмо читают, прежде чем отдать адресату: сотрудники тюрьмы или цензоры, а в России — ещё и спецслужбы. Пишите так, будто вам через плечо заглядывают те, кто держит человека в заключении. Так оно и есть.

Из-за одной неосторожной фразы письмо могут не передать, а саму фразу — использовать против адресата или кого-то ещё. Непереданное письмо просто исчезает, и человек может так и не узнать, что вы писали.

### Никогда не пишите

- **О деле:** об обвинении, доказательствах, суде, о том, что человек делал или не делал. Даже чтобы сказать, что верите в его невиновность.
- **О том, чем заняты другие люди:** другие активисты и заключённые, имена, планы, встречи, дела вашей группы. Ваше письмо ни в коем случае не должно стать уликой против кого-либо.
- **Ни о чём, что может навредить адресату или другим**, даже в шутку.

### В письмах в Россию и Беларусь также обходите стороной

- войну, власть, протесты и политику вообще;
- всё, что можно истолковать как «экстремизм»: лозунги, символы, призывы;
- ЛГБТ-темы (в России);
- слова вроде «свобода» или «борьба» (в Беларуси), даже сказанные без всякой задней мысли.

### И ещё

- Никаких сокращений, шифров, жаргона и иностранных слов: то, чего цензор не понял, он может не пропустить.
- Не жалейте и не давайте обещаний, которые не сможете сдержать.

Сомневаетесь — лучше вычеркните. Обычные новости, книги и добрые пожелания безопасны.

*Источники: «Мемориал», «Зона солидарности», Bristol ABC, London ABC, Black & Pink.*
""",
            ),
        },
    ),
    (
        "enclosures",
        40,
        "",
        {
            "en": (
                "What to put in the envelope",
                """\
People inside often have little paper, few envelopes and no money for stamps. Where it is allowed, sending some makes a reply possible.

**The rules belong to the prison, not to the country.** What one prison hands over, another throws away, sometimes together with your letter. Before you put anything in the envelope, check what the facility allows on the prisoner's page. If nobody knows yet, send the letter on its own.

### What you might enclose, where it is allowed

- **Blank paper and an envelope with a stamp** valid in the prisoner's country, so that they have something to reply with. Memorial and Solidarity Zone suggest this for Russia: a few sheets and an envelope with a Russian stamp.
- **A photo or two** of something ordinary: your town, a landscape, an animal. Many prisons limit photos (for example to three, no larger than 4×6 in).

### What often gets a letter stopped

Many prisons, especially in the US, refuse:

- staples, stickers, glitter;
- coloured paper, greeting cards, anything with perfume on it;
- blank paper and envelopes: the opposite of the advice for Russia, so check the prisoner's page.

Plain white paper and dark ink are safest everywhere: many prisons photocopy letters.

Send books or political literature only if they ask for it, and only in the way the prison allows.
""",
            ),
            "ru": (
                "Что вложить в конверт",
                """\
В заключении часто не хватает бумаги и конвертов, а на марки нет денег. Там, где это разрешено, вложенные бумага и конверт позволяют ответить.

**Правила устанавливает учреждение, а не страна.** То, что одна тюрьма передаст, другая выбросит — иногда вместе с письмом. Прежде чем что-то вкладывать, посмотрите на странице заключённого, что разрешает учреждение. Если это неизвестно, отправьте письмо без вложений.

### Что можно вложить, если это разрешено

- **Чистую бумагу и конверт с маркой** страны, где находится адресат, чтобы человеку было на чём ответить. Для России так советуют «Мемориал» и «Зона солидарности»: несколько листов и конверт с российской маркой.
- **Одну-две фотографии** чего-нибудь обычного: вашего города, природы, животных. Во многих тюрьмах число фотографий ограничено (например, не больше трёх, размером до 10×15 см).

### Из-за чего письмо часто не передают

Многие тюрьмы, особенно в США, не принимают:

- скобы от степлера, наклейки, блёстки;
- цветную бумагу, поздравительные открытки, надушенную бумагу;
- чистую бумагу и конверты — в отличие от советов для России, так что проверьте страницу заключённого.

Белая бумага и тёмная ручка подходят везде: во многих тюрьмах письма ксерокопируют.

Книги и политическую литературу посылайте, только если вас об этом попросили, и только так, как разрешает учреждение.
""",
            ),
        },
    ),
    (
        "safety",
        50,
        "",
        {
            "en": (
                "Your return address and your own safety",
                """\
The state that holds the prisoner reads your letter, and with it your name and your address. Think about what you give away before you post.

### The return address

- Many prisons hand over a letter only if it shows the sender's name and address (many US prisons require it; in the UK it goes on the back of the envelope).
- **It does not have to be your home.** Many writers use their group's address or a proxy: a friend who has agreed to it, an organisation, a post-office box. Ask your group's coordinators what they use.
- If the prisoner writes back, the reply goes to that address, so choose one where someone will pass it on to you.

### Your own safety

- **If you live in Russia or Belarus, or travel there**, talk to your group before you write: the envelope is read by the same state that imprisoned the person you are writing to.
- Keep personal details general: no workplace, no names of family or friends, no plans, nothing about where you will be.
- Be careful about saying in public, online included, whom you write to.
- Think twice before sending photos of yourself, your home or your friends.

### What this site keeps

This site does not store the text of your letter. Your draft stays in your own browser, and the letter is printed without being saved. Marking a letter as sent counts it without recording who you are (unless you are logged in as a coordinator). On a shared computer, remember that the draft stays in that browser: delete it when you are done.
""",
            ),
            "ru": (
                "Обратный адрес и ваша безопасность",
                """\
Ваше письмо читает то самое государство, которое держит человека в заключении, — а вместе с письмом ваше имя и адрес. Прежде чем отправлять, подумайте, что вы сообщаете о себе.

### Обратный адрес

- Многие учреждения передают письмо, только если на нём указаны имя и адрес отправителя (этого требуют многие тюрьмы США; в Великобритании адрес пишут на обороте конверта).
- **Это не обязательно ваш домашний адрес.** Многие указывают адрес своей группы или доверенного человека: друга, который согласился помочь, организации, абонентского ящика. Спросите координаторов своей группы, какой адрес используют они.
- Ответ придёт на этот адрес, поэтому выберите такой, откуда вам его передадут.

### Ваша безопасность

- **Если вы живёте в России или Беларуси или ездите туда**, посоветуйтесь со своей группой, прежде чем писать: конверт читает то же государство, которое посадило вашего адресата.
- Не вдавайтесь в личные подробности: не называйте место работы, имена родных и друзей, свои планы и места, где будете.
- Осторожнее с публичными рассказами — в том числе в интернете — о том, кому вы пишете.
- Подумайте дважды, прежде чем посылать фотографии себя, своего дома или друзей.

### Что хранит этот сайт

Сайт не хранит текст ваших писем. Черновик остаётся только в вашем браузере, а письмо печатается без сохранения. Отметка «письмо отправлено» учитывает письмо, но не записывает, кто вы (если вы не вошли как координатор). На общем компьютере помните, что черновик остаётся в этом браузере: удалите его, когда закончите.
""",
            ),
        },
    ),
    (
        "addressing",
        60,
        "",
        {
            "en": (
                "Addressing and posting your letter",
                """\
The easiest way is to print the envelope from the prisoner's page. The address comes out in the right order and the right alphabet, with the country line when you post from abroad.

### Writing the address by hand

- **Copy the address exactly as the prisoner's page shows it**, line by line, in the same order and the same alphabet. Don't translate it or "correct" it.
- **The name line matters.** Depending on the country it carries the prisoner number (US, UK) or the year of birth (Russia). Keep it as shown.
- **From abroad,** add the country alone on the last line, in capitals, in English: RUSSIA, REPUBLIC OF BELARUS, UNITED STATES, UNITED KINGDOM, GERMANY.
- **Your return address** goes top left on the front (on the back for the UK). See [Your return address and your own safety](#safety).
- **The stamp** goes top right. Letters abroad need an international stamp; ask at the post office if you are not sure.
- Write clearly, in dark ink.

### Envelopes

A standard DL envelope (110 × 220 mm) takes an A4 sheet folded in three. In the US the usual size is #10, for a Letter sheet folded in three. A bigger envelope may cost more to post.

### After posting

Mark the letter as sent on the prisoner's page. Your group then knows it is on its way, and can see who has not had a letter for a while. Letters take weeks to arrive, sometimes longer, and some never do. That is not your fault: keep writing.
""",
            ),
            "ru": (
                "Как подписать конверт и отправить письмо",
                """\
Проще всего распечатать конверт на странице заключённого: адрес будет напечатан в правильном порядке и нужными буквами (кириллицей или латиницей), а если вы отправляете письмо из другой страны — со строкой страны назначения.

### Если пишете адрес от руки

- **Перепишите адрес точно так, как он указан на странице заключённого**, строка за строкой, в том же порядке и теми же буквами. Не переводите и не «исправляйте» его.
- **Строка с именем важна.** В зависимости от страны в ней стоит номер заключённого (США, Великобритания) или год рождения (Россия). Оставьте её как есть.
- **Из другой страны** добавьте последней строкой название страны заглавными латинскими буквами: RUSSIA, REPUBLIC OF BELARUS, UNITED STATES, UNITED KINGDOM, GERMANY.
- **Обратный адрес** пишут в левом верхнем углу лицевой стороны (для Великобритании — на обороте). См. раздел [Обратный адрес и ваша безопасность](#safety).
- **Марку** клеят в правый верхний угол. Для писем за границу нужна международная марка; если не уверены, спросите на почте.
- Пишите разборчиво, тёмной ручкой.

### Конверты

В стандартный евроконверт (DL, 110 × 220 мм) помещается лист A4, сложенный втрое. В США обычный конверт — #10, под лист формата Letter, сложенный втрое. Конверт побольше может стоить дороже.

### После отправки

Отметьте на странице заключённого, что письмо отправлено. Так ваша группа знает, что письмо в пути, и видит, кому давно никто не писал. Письма идут неделями, иногда дольше, а некоторые не доходят вовсе. Это не ваша вина — продолжайте писать.
""",
            ),
        },
    ),
    (
        "country-ru",
        100,
        "RU",
        {
            "en": (
                "Russia",
                """\
Most political prisoners in Russia are held in a **SIZO** (a pre-trial prison) or, after the verdict, in an **IK** (a penal colony). People are moved often; the prisoner's page shows the latest address we know.

### Write in Russian

In practice only letters written wholly in Russian get through. Letters in other languages are formally allowed, but they wait for a translator or are simply not let through (Solidarity Zone, Memorial, Rights in Russia). Machine translation is fine: keep your sentences short and simple, and use the polite «вы». The templates on the writing page are in Russian, with the English meaning beside them.

### The name and the address

- The name goes **in the dative case** (the "to whom" form), in full, followed by the **year of birth**: *Пчелинцеву Дмитрию Дмитриевичу, 1992 г.р.* Without the year of birth letters are often not handed over. The prisoner's page and the printed envelope already show the name this way.
- Then, each on its own line: the prison, the street and house, the town, the region, and the six-digit postal index. This only shows the layout; take the real address from the prisoner's page:

> Пчелинцеву Дмитрию Дмитриевичу, 1992 г.р.\\
> ФКУ СИЗО-1 УФСИН России по Пензенской области\\
> ул. Каракозова, 30\\
> г. Пенза\\
> Пензенская область\\
> 440039\\
> RUSSIA

- From abroad, write the whole address in Russian (Cyrillic) and add **RUSSIA** alone on the last line, in capitals. Inside Russia, leave the country out.
- Russian envelopes have printed fields: «От кого / Откуда» (from) top left, «Кому / Куда» (to) bottom right, and boxes for the postal index bottom left.

### What to leave out

Nothing about the case, the war, other activists or LGBTQ+ topics, and nothing that could read as extremism. No abbreviations, codes or foreign words. Don't pity. See [What never to write](#never-write).

### If you would like a reply

Ask them to write in block letters («печатными буквами»): handwriting in Cyrillic is hard to read when you are new to it. If the facility allows it, enclose a few sheets of blank paper and an envelope with a Russian stamp.

*Sources: Memorial, Solidarity Zone, Rights in Russia, the LetMyPeopleGo campaign.*
""",
            ),
            "ru": (
                "Россия",
                """\
Политзаключённые в России чаще всего содержатся в **СИЗО** (следственном изоляторе, до приговора) или, после приговора, в **ИК** (исправительной колонии). Людей часто переводят; на странице заключённого — последний известный нам адрес.

### Пишите по-русски

На практике доходят только письма, целиком написанные по-русски. Письма на других языках формально разрешены, но ждут перевода или их просто не пропускают («Зона солидарности», «Мемориал», Rights in Russia). Пишите просто и обращайтесь на «вы». Если русский вам не родной, машинный перевод подойдёт.

### Имя и адрес

- Имя пишут полностью, **в дательном падеже** («кому»), и добавляют **год рождения**: *Пчелинцеву Дмитрию Дмитриевичу, 1992 г.р.* Без года рождения письма часто не передают. На странице заключённого и на распечатанном конверте имя уже так и написано.
- Дальше, каждое с новой строки: учреждение, улица и дом, город, область, шестизначный индекс. Это только пример того, как выглядит адрес, — настоящий берите со страницы заключённого:

> Пчелинцеву Дмитрию Дмитриевичу, 1992 г.р.\\
> ФКУ СИЗО-1 УФСИН России по Пензенской области\\
> ул. Каракозова, 30\\
> г. Пенза\\
> Пензенская область\\
> 440039

- Из-за границы пишите весь адрес по-русски (кириллицей) и добавьте последней строкой **RUSSIA** заглавными буквами. Внутри России страну не пишут.
- На российских конвертах есть готовые поля: «От кого / Откуда» — слева вверху, «Кому / Куда» — справа внизу, а индекс вписывают в клеточки слева внизу.

### О чём не писать

Ни слова о деле, о войне, о других активистах, ничего на ЛГБТ-темы и ничего, что можно истолковать как экстремизм. Без сокращений, шифров и иностранных слов. Не жалейте. Подробнее — в разделе [О чём нельзя писать](#never-write).

### Если хотите получить ответ

Попросите писать печатными буквами. Если учреждение разрешает, вложите несколько чистых листов и конверт с российской маркой.

*Источники: «Мемориал», «Зона солидарности», Rights in Russia, кампания LetMyPeopleGo.*
""",
            ),
        },
    ),
    (
        "country-by",
        110,
        "BY",
        {
            "en": (
                "Belarus",
                """\
- **Language:** write in Russian or Belarusian.
- **The name stays as it is,** in the nominative (*Мария Колесникова*), unlike in Russia.
- **The address is written in Cyrillic,** with **REPUBLIC OF BELARUS** alone on the last line. This only shows the layout; take the real address from the prisoner's page:

> Мария Колесникова\\
> ИК №4\\
> ул. Антошкина, 3\\
> 246035, г. Гомель\\
> REPUBLIC OF BELARUS

- **Choose every word with care.** Nothing about politics, the case or other people, and avoid even words like "freedom" or "fight".
- **Many letters never arrive.** That is not your fault, and not a reason to stop: every letter that does get through counts.

*Source: Libereco.*
""",
            ),
            "ru": (
                "Беларусь",
                """\
- **Язык:** пишите по-русски или по-белорусски.
- **Имя не склоняют:** его пишут в именительном падеже (*Мария Колесникова*), не так, как в России.
- **Адрес пишут кириллицей,** а последней строкой — **REPUBLIC OF BELARUS**. Это только пример того, как выглядит адрес, — настоящий берите со страницы заключённого:

> Мария Колесникова\\
> ИК №4\\
> ул. Антошкина, 3\\
> 246035, г. Гомель\\
> REPUBLIC OF BELARUS

- **Тщательно выбирайте слова.** Ничего о политике, о деле и о других людях; избегайте даже слов вроде «свобода» или «борьба».
- **Многие письма не доходят.** Это не ваша вина и не повод перестать писать: важно каждое письмо, которое дойдёт.

*Источник: Libereco.*
""",
            ),
        },
    ),
    (
        "country-us",
        120,
        "US",
        {
            "en": (
                "United States",
                """\
The US has federal prisons and a separate prison system in every state, and each prison has its own mail rules. Copy the address exactly as the prisoner's page shows it, and check there what the facility allows.

### The address

- **Federal prisons (BOP):** the prisoner's committed name and register number (like 12345-678) on the first line, then the institution, the PO Box, and CITY ST ZIP.
- **Many state systems send mail to a scanning centre** rather than to the prison, and the prisoner receives a scan of your letter. Pennsylvania, for example:

> Smart Communications/PA DOC\\
> Name/Inmate Number\\
> Institution\\
> PO Box 33028\\
> St. Petersburg, FL 33733

- The US Postal Service prefers capital letters, every line starting at the same left margin, and no punctuation except the hyphen in a ZIP+4 code.
- From abroad, add **UNITED STATES** alone on the last line.

### Facility rules you will often meet

They differ from prison to prison; the prisoner's page says what is known about theirs. Common ones:

- no staples, stickers, glitter, coloured paper, greeting cards or perfume;
- only a few photos (for example three, no larger than 4×6 in);
- the sender's full name and return address are required;
- **no blank paper or envelopes**, the opposite of the advice for Russia.

The usual envelope is a #10. A C5 envelope (a sheet folded only once) counts as a "large envelope" and costs more to post.
""",
            ),
            "ru": (
                "США",
                """\
В США есть федеральные тюрьмы и отдельная тюремная система в каждом штате, и у каждой тюрьмы свои правила для почты. Переписывайте адрес точно так, как он указан на странице заключённого, и там же смотрите, что разрешает учреждение.

### Адрес

- **Федеральные тюрьмы (BOP):** в первой строке — имя, под которым человек числится в тюрьме (committed name), и регистрационный номер вида 12345-678; затем учреждение, абонентский ящик (PO Box) и строка «ГОРОД ШТАТ ИНДЕКС» (CITY ST ZIP).
- **Во многих штатах почту отправляют не в тюрьму, а в центр сканирования,** и заключённый получает скан вашего письма. Например, в Пенсильвании:

> Smart Communications/PA DOC\\
> Name/Inmate Number\\
> Institution\\
> PO Box 33028\\
> St. Petersburg, FL 33733

- Почта США просит писать заглавными буквами, начинать все строки от одного левого края и не ставить знаков препинания, кроме дефиса в индексе ZIP+4.
- Из другой страны добавьте последней строкой **UNITED STATES**.

### Правила учреждений, которые встречаются часто

Они отличаются от тюрьмы к тюрьме; что известно о конкретной, сказано на странице заключённого. Чаще всего:

- не принимают скобы от степлера, наклейки, блёстки, цветную бумагу, поздравительные открытки и надушенные письма;
- фотографий можно вложить лишь несколько (например, три, размером не больше 10×15 см);
- полное имя и обратный адрес отправителя обязательны;
- **чистую бумагу и конверты вкладывать нельзя** — в отличие от советов для России.

Обычный конверт в США — #10. Конверт C5 (лист, сложенный один раз) считается «большим» и стоит дороже.
""",
            ),
        },
    ),
    (
        "country-gb",
        130,
        "GB",
        {
            "en": (
                "United Kingdom",
                """\
- **The name line carries the prisoner number** after the name. Then the prison, the street, the town and the postcode:

> Name A1234BC\\
> HMP Brixton\\
> Street\\
> Town\\
> Postcode

- From abroad, add **UNITED KINGDOM** alone on the last line.
- **Your own address goes on the back** of the envelope.
- **Use dark ink:** many prisons photocopy letters, and pale ink does not copy well.

*Sources: Bristol ABC, London ABC.*
""",
            ),
            "ru": (
                "Великобритания",
                """\
- **В строке с именем после имени пишут номер заключённого.** Дальше — тюрьма, улица, город и почтовый индекс (postcode):

> Name A1234BC\\
> HMP Brixton\\
> Street\\
> Town\\
> Postcode

- Из другой страны добавьте последней строкой **UNITED KINGDOM**.
- **Свой адрес пишите на обороте конверта.**
- **Пишите тёмной ручкой:** во многих тюрьмах письма ксерокопируют, а бледный текст на копии пропадает.

*Источники: Bristol ABC, London ABC.*
""",
            ),
        },
    ),
    (
        "country-de",
        140,
        "DE",
        {
            "en": (
                "Germany",
                """\
- **German prisons (JVA, Justizvollzugsanstalt) put the institution first,** then the name, the street and the town:

> JVA Rosdorf\\
> Name\\
> Am Großen Sieke 8\\
> 37124 Rosdorf

- From abroad, add **GERMANY** alone on the last line.
- **Write in German if you can.**
- **If they are in pre-trial detention (Untersuchungshaft),** a judge reads their letters, and letters arrive late. Be patient, and say nothing at all about the case.
""",
            ),
            "ru": (
                "Германия",
                """\
- **В Германии первой строкой пишут тюрьму (JVA, Justizvollzugsanstalt),** затем имя, улицу и город:

> JVA Rosdorf\\
> Name\\
> Am Großen Sieke 8\\
> 37124 Rosdorf

- Из другой страны добавьте последней строкой **GERMANY**.
- **По возможности пишите по-немецки.**
- **Если человек под следствием (Untersuchungshaft),** его переписку читает судья, и письма приходят с опозданием. Наберитесь терпения и ни слова о деле.
""",
            ),
        },
    ),
]

SLUGS = [slug for slug, *_ in SECTIONS]


def rows():
    """One row per section and language, as the table stores them."""
    now = datetime.now(timezone.utc)
    return [
        {
            "slug": slug,
            "language": language,
            "title": title,
            "body": body,
            "country_code": country_code,
            "position": position,
            "updated_at": now,
        }
        for slug, position, country_code, texts in SECTIONS
        for language, (title, body) in texts.items()
    ]


def upgrade():
    op.bulk_insert(guideline_sections, rows())


def downgrade():
    # By slug, in every language: also a translation a coordinator added to a seeded section,
    # which would make no sense without it. Sections with slugs of their own stay.
    op.execute(guideline_sections.delete().where(guideline_sections.c.slug.in_(SLUGS)))

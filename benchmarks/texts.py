"""Reproducible, realistic multilingual feedback texts for benchmarks (no public data involved).

Each text is stitched from customer-feedback sentences written for this file, in one language,
to a target length drawn log-uniformly between ``min_words`` and ``max_words`` (Chinese counts
1.7 characters as a word), so speed figures cover the short-message and long-ticket regimes.
"""

from __future__ import annotations

import math
import random

SENTENCES: dict[str, list[str]] = {
    "en": [
        "My parcel was marked as delivered but nothing arrived.",
        "The agent was patient and explained every step of the refund.",
        "I have been waiting eleven days for a reply to ticket 48812.",
        "Honestly, the new app update is a big improvement.",
        "Why do I have to repeat my account number to every person I talk to?",
        "The engineer turned up early and fixed the boiler in twenty minutes.",
        "Your chat bot sent me back to the main menu three times.",
        "I was charged twice for the same order and my rent is due tomorrow.",
        "Could you tell me more about the family plan and the roaming options?",
        "The hotel upgraded our room without us asking, which was lovely.",
        "Not bad at all, though the checkout was a little slow.",
        "Please change the delivery address to 14 Mill Lane, Leeds.",
        "The nurse called the next day just to ask how I was feeling.",
        "I treated myself to the premium box and it was worth every penny.",
        "They pushed me to sign the contract before I could read it.",
        "Thanks for sorting this out so quickly, really appreciated.",
    ],
    "ru": [
        "Заказ отмечен как доставленный, но я ничего не получил.",
        "Оператор терпеливо объяснил, как оформить возврат.",
        "Жду ответа по обращению 48812 уже одиннадцать дней.",
        "Честно говоря, новое обновление приложения очень удачное.",
        "Почему я должен каждому сотруднику заново диктовать номер договора?",
        "Мастер пришёл раньше времени и починил котёл за двадцать минут.",
        "Ваш чат-бот три раза отправил меня в главное меню.",
        "С карты дважды списали деньги за один заказ, а завтра платить за квартиру.",
        "Расскажите подробнее про семейный тариф и роуминг, пожалуйста.",
        "В отеле нам без просьбы повысили категорию номера, было очень приятно.",
        "В целом неплохо, хотя оформление заказа немного тормозит.",
        "Прошу изменить адрес доставки на ул. Мира, д. 14, кв. 3.",
        "Медсестра на следующий день позвонила узнать, как я себя чувствую.",
        "Побаловала себя премиальным набором и ни капли не жалею.",
        "Менеджер торопил подписать договор и не дал его прочитать.",
        "Спасибо, что так быстро всё решили, очень ценю.",
    ],
    "pl": [
        "Paczka ma status doręczonej, ale nic do mnie nie dotarło.",
        "Konsultant cierpliwie wyjaśnił mi każdy krok zwrotu.",
        "Od jedenastu dni czekam na odpowiedź w sprawie zgłoszenia 48812.",
        "Szczerze mówiąc, nowa wersja aplikacji to duża poprawa.",
        "Dlaczego każdemu pracownikowi muszę od nowa podawać numer umowy?",
        "Serwisant przyjechał wcześniej i naprawił piec w dwadzieścia minut.",
        "Wasz czatbot trzy razy odesłał mnie do menu głównego.",
        "Pobrano mi pieniądze dwa razy za to samo zamówienie, a jutro płacę czynsz.",
        "Czy mogę dowiedzieć się więcej o pakiecie rodzinnym i roamingu?",
        "Hotel bez pytania dał nam lepszy pokój, to było bardzo miłe.",
        "Wcale nieźle, chociaż finalizacja zamówienia trochę się ciągnie.",
        "Proszę zmienić adres dostawy na ul. Młyńska 14, Poznań.",
        "Pielęgniarka zadzwoniła następnego dnia zapytać, jak się czuję.",
        "Zafundowałam sobie zestaw premium i było warto.",
        "Naciskali, żebym podpisał umowę, zanim zdążyłem ją przeczytać.",
        "Dzieki za szybkie zalatwienie sprawy, naprawde doceniam.",
    ],
    "zh": [
        "订单显示已签收，但我根本没有收到包裹。",
        "客服很耐心地把退款的每一步都讲清楚了。",
        "工单48812已经等了十一天还没有回复。",
        "说实话，这次APP更新改进很大。",
        "为什么每换一个客服我都要重新报一遍合同号？",
        "师傅提前上门，二十分钟就把热水器修好了。",
        "你们的机器人客服三次把我转回主菜单。",
        "同一个订单被扣了两次钱，明天就要交房租了。",
        "想详细了解一下家庭套餐和国际漫游的资费。",
        "酒店没等我们开口就主动升级了房型，太贴心了。",
        "还不错，就是结账的时候有点慢。",
        "请把收货地址改成上海市长宁区安化路14号。",
        "护士第二天还专门打电话问我恢复得怎么样。",
        "犒劳自己买了高级礼盒，完全物有所值。",
        "销售一直催我签合同，根本不给时间看条款。",
        "這次問題處理得很快，非常感謝。",
    ],
}


def word_count(text: str, lang: str) -> int:
    return math.ceil(len(text) / 1.7) if lang == "zh" else len(text.split())


def realistic_texts(n: int, seed: int = 0, min_words: int = 5, max_words: int = 200) -> list[tuple[str, str]]:
    """``n`` ``(lang, text)`` pairs, languages in rotation, lengths log-uniform in words."""
    rng = random.Random(seed)
    langs = list(SENTENCES)
    out: list[tuple[str, str]] = []
    for i in range(n):
        lang = langs[i % len(langs)]
        target = round(math.exp(rng.uniform(math.log(min_words), math.log(max_words))))
        parts: list[str] = []
        while word_count("".join(parts), lang) < target:
            parts.append(rng.choice(SENTENCES[lang]) + ("" if lang == "zh" else " "))
        text = "".join(parts).strip()
        if word_count(text, lang) > max_words:  # trim the last sentence's overshoot
            text = text[: int(max_words * 1.7)] if lang == "zh" else " ".join(text.split()[:max_words])
        out.append((lang, text))
    return out

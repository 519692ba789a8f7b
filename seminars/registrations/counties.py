"""Counties (Landkreise and kreisfreie Städte) of Thuringia and Saxony, for reach statistics."""

from __future__ import annotations

THURINGIA = [
    ("th-altenburger-land", "Altenburger Land"),
    ("th-eichsfeld", "Eichsfeld"),
    ("th-erfurt", "Erfurt (Stadt)"),
    ("th-gera", "Gera (Stadt)"),
    ("th-gotha", "Gotha"),
    ("th-greiz", "Greiz"),
    ("th-hildburghausen", "Hildburghausen"),
    ("th-ilm-kreis", "Ilm-Kreis"),
    ("th-jena", "Jena (Stadt)"),
    ("th-kyffhaeuserkreis", "Kyffhäuserkreis"),
    ("th-nordhausen", "Nordhausen"),
    ("th-saale-holzland-kreis", "Saale-Holzland-Kreis"),
    ("th-saale-orla-kreis", "Saale-Orla-Kreis"),
    ("th-saalfeld-rudolstadt", "Saalfeld-Rudolstadt"),
    ("th-schmalkalden-meiningen", "Schmalkalden-Meiningen"),
    ("th-soemmerda", "Sömmerda"),
    ("th-sonneberg", "Sonneberg"),
    ("th-suhl", "Suhl (Stadt)"),
    ("th-unstrut-hainich-kreis", "Unstrut-Hainich-Kreis"),
    ("th-wartburgkreis", "Wartburgkreis"),
    ("th-weimar", "Weimar (Stadt)"),
    ("th-weimarer-land", "Weimarer Land"),
]
SAXONY = [
    ("sn-bautzen", "Bautzen"),
    ("sn-chemnitz", "Chemnitz (Stadt)"),
    ("sn-dresden", "Dresden (Stadt)"),
    ("sn-erzgebirgskreis", "Erzgebirgskreis"),
    ("sn-goerlitz", "Görlitz"),
    ("sn-leipzig", "Leipzig (Stadt)"),
    ("sn-landkreis-leipzig", "Landkreis Leipzig"),
    ("sn-meissen", "Meißen"),
    ("sn-mittelsachsen", "Mittelsachsen"),
    ("sn-nordsachsen", "Nordsachsen"),
    ("sn-saechsische-schweiz-osterzgebirge", "Sächsische Schweiz-Osterzgebirge"),
    ("sn-vogtlandkreis", "Vogtlandkreis"),
    ("sn-zwickau", "Zwickau"),
]
ELSEWHERE = "elsewhere"
COUNTY_KEYS = {key for key, _ in THURINGIA + SAXONY} | {ELSEWHERE}
COUNTY_NAMES = dict(THURINGIA + SAXONY)

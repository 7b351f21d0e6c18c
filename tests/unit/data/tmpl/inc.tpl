{{%AUTOESCAPE context="HTML"}}<b>{{X}}</b>

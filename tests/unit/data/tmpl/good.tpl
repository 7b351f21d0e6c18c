{{%AUTOESCAPE context="HTML"}}<p>{{NAME}}</p>{{#ROWS}}<i>{{V}}</i>{{/ROWS}}{{>INC}}
